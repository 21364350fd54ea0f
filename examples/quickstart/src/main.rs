//! The smallest useful program: `init!()` and the three macros.
use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[derive(Debug, thiserror::Error)]
#[error("quiz {0} has no questions")]
struct EmptyQuiz(u32);

/// Seed 001's bug: a quiz with `total_questions = 0`.
#[breadcrumb(message = "scoring quiz {quiz_id}", category = "quiz")]
#[monitored(op = "quiz.score", data(quiz_id, questions))]
#[capture_errors(tags(feature = "quiz"))]
fn average_score(quiz_id: u32, total: u32, questions: u32) -> Result<u32, EmptyQuiz> {
    if questions == 0 {
        return Err(EmptyQuiz(quiz_id));
    }
    Ok(total / questions)
}

#[monitored(transaction, name = "nightly-scores", op = "job")]
fn nightly_scores() {
    for (quiz_id, total, questions) in [(1, 90, 10), (89, 15, 0)] {
        match average_score(quiz_id, total, questions) {
            Ok(score) => println!("quiz {quiz_id}: average {score}"),
            Err(error) => println!("quiz {quiz_id}: {error} (reported)"),
        }
    }
}

fn main() -> Result<(), monitor_runtime::ConfigError> {
    // Reads SENTRY_DSN & co; with no DSN, events print here instead of going to Sentry.
    let _monitor = monitor_runtime::init!()?;
    nightly_scores();
    Ok(()) // dropping the guard flushes
}
