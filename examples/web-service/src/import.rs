//! Reading an import's CSV body: header `name,category,country`, one organisation a row.

use crate::models::NewOrganisation;

/// One row of an import, read and validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportRow {
    /// A row ready to store.
    Valid {
        /// Its line in the file (the header is line 1).
        line: u64,
        /// The organisation, validated and trimmed.
        organisation: NewOrganisation,
    },
    /// A row that cannot be stored.
    Invalid {
        /// Its line in the file.
        line: u64,
        /// Why, for the client.
        error: String,
    },
}

/// Reads every row of `csv`; a row that does not parse or validate is
/// [`ImportRow::Invalid`], and reading goes on with the next.
///
/// ```
/// use web_service::import::{parse, ImportRow};
///
/// let rows = parse("name,category,country\nAcme,Company,FR\n,Cult,\n");
/// assert!(matches!(rows[0], ImportRow::Valid { line: 2, .. }));
/// assert!(matches!(rows[1], ImportRow::Invalid { line: 3, .. }));
/// ```
pub fn parse(csv: &str) -> Vec<ImportRow> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(csv.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.deserialize::<NewOrganisation>().enumerate() {
        let fallback_line = index as u64 + 2;
        let row = match record {
            Ok(organisation) => match organisation.validate() {
                Ok(organisation) => ImportRow::Valid {
                    line: fallback_line,
                    organisation,
                },
                Err(errors) => ImportRow::Invalid {
                    line: fallback_line,
                    error: errors.to_string(),
                },
            },
            Err(error) => ImportRow::Invalid {
                line: error
                    .position()
                    .map_or(fallback_line, |position| position.line()),
                error: error.to_string(),
            },
        };
        rows.push(row);
    }
    rows
}
