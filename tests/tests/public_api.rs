//! The public surface of `monitor-runtime`, listed in `monitor-runtime/public-api.txt`, so
//! that every change to it is a deliberate one that shows up in review.
//!
//! The listing is built from the source, without nightly: `syn` parses `src/lib.rs`, the
//! walk follows `pub mod` and `pub use` (resolving `self`, `super`, `crate` and private
//! imports) and writes one line per public path: modules, functions with their signatures,
//! types with their derives and `#[non_exhaustive]`, public fields and variants, trait
//! items, inherent methods, trait implementations, exported macros and their `cfg`.
//! An item reachable by several paths is described once, at its shortest path; the other
//! paths are listed as `alias` lines.
//!
//! When the surface changes on purpose, bless the listing anew:
//! `PUBLIC_API_BLESS=1 cargo test -p monitor-tests --test public_api`.
//!
//! What it does not see: items made public by a macro's expansion (other than
//! `#[macro_export]` macros), impls that name the type through an alias or a path the walk
//! cannot resolve, the contents of `#[doc(hidden)]` modules (one line each, as the hidden
//! macro contract is pinned by version instead), auto traits (`Send`, `Sync`), and public
//! types that are reachable only through a signature (nameable nowhere).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::{Attribute, ImplItem, Item, TraitItem, UseTree, Visibility};

const CRATE: &str = "monitor_runtime";
const BLESS: &str = "PUBLIC_API_BLESS";

fn runtime_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../monitor-runtime")
}

/// One module of the crate, public or not, with its items.
struct Module {
    parent: Option<usize>,
    children: BTreeMap<String, usize>,
    items: Vec<Item>,
    /// The `cfg` the module's declaration carries, if any, inherited by its items.
    cfg: Option<String>,
    hidden: bool,
}

/// What a name resolves to.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Target {
    Module(usize),
    /// An item of the crate: its module and its index there.
    Item(usize, usize),
    /// Something outside the crate, by the path written.
    External(String),
}

struct Crate {
    modules: Vec<Module>,
}

fn has_cfg_test(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") && a.meta.to_token_stream().to_string() == "cfg (test)")
}

fn is_hidden(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("doc") && {
            let text = a.meta.to_token_stream().to_string();
            text.contains("hidden")
        }
    })
}

fn cfg_of(attrs: &[Attribute]) -> Option<String> {
    let cfgs: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|a| source(&a.meta))
        .collect();
    (!cfgs.is_empty()).then(|| cfgs.join("; "))
}

fn path_attr(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// The tokens of `node` as source text.
fn source(node: &impl ToTokens) -> String {
    tidy(&node.to_token_stream().to_string())
}

/// Makes token-stream text read like source: `Result < T , E >` becomes `Result<T, E>`.
fn tidy(text: &str) -> String {
    let mut s = text.to_owned();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" ::", "::"),
        (" ,", ","),
        (" ;", ";"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        ("( ", "("),
        (" )", ")"),
        (" (", "("),
        ("[ ", "["),
        (" ]", "]"),
        ("& ", "&"),
        (" : ", ": "),
        (" !", "!"),
        ("# ", "#"),
    ] {
        while s.contains(from) {
            s = s.replace(from, to);
        }
    }
    // `->` and `=>` lose their spacing to the rules above; give it back.
    s.replace("->", " -> ")
        .replace("  ", " ")
        .replace("-> >", "->>")
}

impl Crate {
    fn load(src: &Path) -> Crate {
        let mut krate = Crate {
            modules: Vec::new(),
        };
        let lib = src.join("lib.rs");
        let file = parse(&lib);
        krate.add_module(None, file.items, src.to_path_buf(), None, false);
        krate
    }

    /// Adds a module whose child files live in `dir`, and its children.
    fn add_module(
        &mut self,
        parent: Option<usize>,
        items: Vec<Item>,
        dir: PathBuf,
        cfg: Option<String>,
        hidden: bool,
    ) -> usize {
        let id = self.modules.len();
        self.modules.push(Module {
            parent,
            children: BTreeMap::new(),
            items: Vec::new(),
            cfg: cfg.clone(),
            hidden,
        });
        let mut kept = Vec::new();
        for item in expand_item_macros(items) {
            if let Item::Mod(m) = &item {
                if has_cfg_test(&m.attrs) {
                    continue;
                }
                let name = m.ident.to_string();
                let (child_items, child_dir) = match &m.content {
                    Some((_, inline)) => (inline.clone(), dir.join(&name)),
                    None => {
                        let file = match path_attr(&m.attrs) {
                            Some(p) => dir.join(p),
                            None if dir.join(format!("{name}.rs")).exists() => {
                                dir.join(format!("{name}.rs"))
                            }
                            None => dir.join(&name).join("mod.rs"),
                        };
                        let child_dir = if file.file_name().is_some_and(|f| f == "mod.rs") {
                            file.parent().map(Path::to_path_buf).unwrap_or_default()
                        } else {
                            file.with_extension("")
                        };
                        (parse(&file).items, child_dir)
                    }
                };
                let child_cfg = join_cfg(&cfg, cfg_of(&m.attrs));
                let child = self.add_module(
                    Some(id),
                    child_items,
                    child_dir,
                    child_cfg,
                    hidden || is_hidden(&m.attrs),
                );
                self.modules[id].children.insert(name, child);
            }
            if !matches!(&item, Item::Mod(_)) {
                let attrs = item_attrs(&item);
                if attrs.is_some_and(|a| has_cfg_test(a)) {
                    continue;
                }
            }
            kept.push(item);
        }
        self.modules[id].items = kept;
        id
    }

    fn root_of(&self, mut module: usize) -> usize {
        while let Some(p) = self.modules[module].parent {
            module = p;
        }
        module
    }

    /// Resolves a name as seen from inside `module`.
    fn lookup(&self, module: usize, name: &str, depth: usize) -> Option<Target> {
        if depth > 32 {
            return None;
        }
        if let Some(&child) = self.modules[module].children.get(name) {
            return Some(Target::Module(child));
        }
        for (index, item) in self.modules[module].items.iter().enumerate() {
            if item_name(item).as_deref() == Some(name) && !matches!(item, Item::Mod(_)) {
                return Some(Target::Item(module, index));
            }
        }
        for item in &self.modules[module].items {
            if let Item::Use(u) = item {
                let mut leaves = Vec::new();
                use_leaves(&u.tree, Vec::new(), &mut leaves);
                for (path, alias) in leaves {
                    if alias == name {
                        return self.resolve(module, &path, depth + 1);
                    }
                }
            }
        }
        // Names brought in by a glob (`use super::*;`) come last, as in the language.
        for item in &self.modules[module].items {
            if let Item::Use(u) = item {
                let mut leaves = Vec::new();
                use_leaves(&u.tree, Vec::new(), &mut leaves);
                for (path, alias) in leaves {
                    if alias != "*" {
                        continue;
                    }
                    let prefix = &path[..path.len() - 1];
                    if let Some(Target::Module(m)) = self.resolve(module, prefix, depth + 1)
                        && m != module
                        && let Some(found) = self.lookup(m, name, depth + 1)
                    {
                        return Some(found);
                    }
                }
            }
        }
        None
    }

    /// Resolves a `use` path written inside `module`.
    fn resolve(&self, module: usize, path: &[String], depth: usize) -> Option<Target> {
        let (first, rest) = path.split_first()?;
        let mut at = match first.as_str() {
            "crate" => Target::Module(self.root_of(module)),
            "self" => Target::Module(module),
            "super" => Target::Module(self.modules[module].parent?),
            "" => return Some(Target::External(path[1..].join("::"))),
            name => match self.lookup(module, name, depth) {
                Some(target) => target,
                None => return Some(Target::External(path.join("::"))),
            },
        };
        for segment in rest {
            at = match at {
                Target::Module(m) if segment == "super" => Target::Module(self.modules[m].parent?),
                Target::Module(m) => self.lookup(m, segment, depth + 1)?,
                Target::External(p) => Target::External(format!("{p}::{segment}")),
                Target::Item(..) => return None,
            };
        }
        Some(at)
    }
}

/// `pin_project!` wraps ordinary items; the walk reads them as if written bare.
fn expand_item_macros(items: Vec<Item>) -> Vec<Item> {
    let mut out = Vec::new();
    for item in items {
        if let Item::Macro(m) = &item
            && m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "pin_project")
            && let Ok(file) = syn::parse2::<syn::File>(m.mac.tokens.clone())
        {
            out.extend(file.items);
            continue;
        }
        out.push(item);
    }
    out
}

/// Both `cfg`s, each once: `a; b`.
fn join_cfg(outer: &Option<String>, inner: Option<String>) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for part in outer.iter().chain(inner.iter()).flat_map(|c| c.split("; ")) {
        if !parts.iter().any(|p| p == part) {
            parts.push(part.to_owned());
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn parse(file: &Path) -> syn::File {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", file.display()))
}

fn use_leaves(tree: &UseTree, prefix: Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    match tree {
        UseTree::Path(p) => {
            let mut next = prefix;
            next.push(p.ident.to_string());
            use_leaves(&p.tree, next, out);
        }
        UseTree::Name(n) => {
            let name = n.ident.to_string();
            let mut path = prefix;
            if name == "self" {
                let alias = path.last().cloned().unwrap_or_default();
                out.push((path, alias));
            } else {
                path.push(name.clone());
                out.push((path, name));
            }
        }
        UseTree::Rename(r) => {
            let mut path = prefix;
            let name = r.ident.to_string();
            if name != "self" {
                path.push(name);
            }
            out.push((path, r.rename.to_string()));
        }
        UseTree::Glob(_) => {
            let mut path = prefix;
            path.push("*".to_owned());
            out.push((path, "*".to_owned()));
        }
        UseTree::Group(g) => {
            for t in &g.items {
                use_leaves(t, prefix.clone(), out);
            }
        }
    }
}

fn item_attrs(item: &Item) -> Option<&Vec<Attribute>> {
    Some(match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => return None,
    })
}

fn item_name(item: &Item) -> Option<String> {
    Some(match item {
        Item::Const(i) => i.ident.to_string(),
        Item::Enum(i) => i.ident.to_string(),
        Item::Fn(i) => i.sig.ident.to_string(),
        Item::Macro(i) => i.ident.as_ref()?.to_string(),
        Item::Mod(i) => i.ident.to_string(),
        Item::Static(i) => i.ident.to_string(),
        Item::Struct(i) => i.ident.to_string(),
        Item::Trait(i) => i.ident.to_string(),
        Item::Type(i) => i.ident.to_string(),
        Item::Union(i) => i.ident.to_string(),
        _ => return None,
    })
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn item_is_pub(item: &Item) -> bool {
    match item {
        Item::Const(i) => is_pub(&i.vis),
        Item::Enum(i) => is_pub(&i.vis),
        Item::Fn(i) => is_pub(&i.vis),
        Item::Mod(i) => is_pub(&i.vis),
        Item::Static(i) => is_pub(&i.vis),
        Item::Struct(i) => is_pub(&i.vis),
        Item::Trait(i) => is_pub(&i.vis),
        Item::Type(i) => is_pub(&i.vis),
        Item::Union(i) => is_pub(&i.vis),
        Item::Use(i) => is_pub(&i.vis),
        _ => false,
    }
}

/// The public paths of one item or module, each with the `cfg` on the way to it.
type Paths = Vec<(String, Option<String>)>;

/// Every public path of the crate and what it names.
#[derive(Default)]
struct Surface {
    /// Public path of an item of the crate, with the `cfg` on the way to it.
    items: BTreeMap<(usize, usize), Paths>,
    modules: BTreeMap<usize, Paths>,
    lines: BTreeSet<String>,
    visited: BTreeSet<(usize, String)>,
}

fn suffix(cfg: &Option<String>) -> String {
    match cfg {
        Some(c) => format!("  [{c}]"),
        None => String::new(),
    }
}

impl Surface {
    fn export_module(&mut self, krate: &Crate, module: usize, path: &str, cfg: Option<String>) {
        if !self.visited.insert((module, path.to_owned())) {
            return;
        }
        self.modules
            .entry(module)
            .or_default()
            .push((path.to_owned(), cfg.clone()));
        if krate.modules[module].hidden && module != 0 {
            return;
        }
        for (index, item) in krate.modules[module].items.iter().enumerate() {
            let attrs = item_attrs(item);
            let item_cfg = join_cfg(&cfg, attrs.and_then(|a| cfg_of(a)));
            let hidden = attrs.is_some_and(|a| is_hidden(a));
            match item {
                Item::Mod(m) if is_pub(&m.vis) => {
                    let child = krate.modules[module].children[&m.ident.to_string()];
                    let child_path = format!("{path}::{}", m.ident);
                    if hidden {
                        self.lines.insert(format!(
                            "mod {child_path} (doc hidden){}",
                            suffix(&item_cfg)
                        ));
                        continue;
                    }
                    self.export_module(krate, child, &child_path, item_cfg);
                }
                Item::Use(u) if is_pub(&u.vis) => {
                    let mut leaves = Vec::new();
                    use_leaves(&u.tree, Vec::new(), &mut leaves);
                    for (target_path, alias) in leaves {
                        assert!(
                            alias != "*",
                            "public-api walk: `pub use {}` in {path}: glob re-exports are not \
                             followed; name the items",
                            target_path.join("::")
                        );
                        let new_path = format!("{path}::{alias}");
                        if hidden {
                            self.lines.insert(format!(
                                "use {new_path} (doc hidden){}",
                                suffix(&item_cfg)
                            ));
                            continue;
                        }
                        match krate.resolve(module, &target_path, 0) {
                            Some(Target::Module(m)) => {
                                self.export_module(krate, m, &new_path, item_cfg.clone())
                            }
                            Some(Target::Item(m, i)) => self
                                .items
                                .entry((m, i))
                                .or_default()
                                .push((new_path, item_cfg.clone())),
                            Some(Target::External(p)) => {
                                self.lines
                                    .insert(format!("use {new_path} = {p}{}", suffix(&item_cfg)));
                            }
                            None => panic!(
                                "public-api walk: cannot resolve `pub use {}` in module {path}",
                                target_path.join("::")
                            ),
                        }
                    }
                }
                Item::Macro(_) => {}
                _ if item_is_pub(item) => {
                    if hidden {
                        if let Some(name) = item_name(item) {
                            self.lines.insert(format!(
                                "item {path}::{name} (doc hidden){}",
                                suffix(&item_cfg)
                            ));
                        }
                        continue;
                    }
                    self.items.entry((module, index)).or_default().push((
                        format!("{path}::{}", item_name(item).unwrap_or_default()),
                        item_cfg,
                    ));
                }
                _ => {}
            }
        }
    }

    /// The shortest public path of an item, and the `cfg` on the way to it.
    fn canonical(paths: &[(String, Option<String>)]) -> (String, Option<String>) {
        paths
            .iter()
            .min_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)))
            .cloned()
            .unwrap_or_default()
    }
}

fn derives_and_markers(attrs: &[Attribute]) -> String {
    let mut out = Vec::new();
    for a in attrs {
        if a.path().is_ident("derive") || a.path().is_ident("non_exhaustive") {
            out.push(source(&a));
        }
    }
    if out.is_empty() {
        String::new()
    } else {
        format!("  {}", out.join(" "))
    }
}

fn signature(sig: &syn::Signature, path: &str) -> String {
    let text = source(&sig);
    // The signature names the function bare; name it by its full path instead.
    text.replacen(&format!("fn {}", sig.ident), &format!("fn {path}"), 1)
}

/// A variant's fields as `{ a: T, b: U }` or `(T, U)`, without their attributes.
fn fields_text(fields: &syn::Fields) -> String {
    let each: Vec<String> = fields
        .iter()
        .map(|f| {
            let ty = source(&f.ty);
            match &f.ident {
                Some(name) => format!("{name}: {ty}"),
                None => ty,
            }
        })
        .collect();
    match fields {
        syn::Fields::Named(_) => format!("{{ {} }}", each.join(", ")),
        syn::Fields::Unnamed(_) => format!("({})", each.join(", ")),
        syn::Fields::Unit => String::new(),
    }
}

fn describe_item(item: &Item, path: &str, cfg: &Option<String>, out: &mut BTreeSet<String>) {
    let s = suffix(cfg);
    match item {
        Item::Fn(f) => {
            out.insert(format!("{}{s}", signature(&f.sig, path)));
        }
        Item::Const(c) => {
            out.insert(format!("const {path}: {}{s}", source(&c.ty)));
        }
        Item::Static(c) => {
            out.insert(format!("static {path}: {}{s}", source(&c.ty)));
        }
        Item::Type(t) => {
            out.insert(format!(
                "type {path}{} = {}{s}",
                source(&t.generics),
                source(&t.ty)
            ));
        }
        Item::Struct(st) => {
            out.insert(format!(
                "struct {path}{}{}{s}",
                source(&st.generics),
                derives_and_markers(&st.attrs),
            ));
            for (i, field) in st.fields.iter().enumerate() {
                if is_pub(&field.vis) {
                    let name = field
                        .ident
                        .as_ref()
                        .map_or_else(|| i.to_string(), ToString::to_string);
                    out.insert(format!("field {path}::{name}: {}{s}", source(&field.ty)));
                }
            }
        }
        Item::Enum(e) => {
            out.insert(format!(
                "enum {path}{}{}{s}",
                source(&e.generics),
                derives_and_markers(&e.attrs),
            ));
            for v in &e.variants {
                let fields = fields_text(&v.fields);
                out.insert(format!(
                    "variant {path}::{}{}{}{s}",
                    v.ident,
                    if fields.is_empty() {
                        String::new()
                    } else {
                        format!(" {fields}")
                    },
                    derives_and_markers(&v.attrs),
                ));
            }
        }
        Item::Trait(t) => {
            let supertraits = if t.supertraits.is_empty() {
                String::new()
            } else {
                format!(": {}", source(&t.supertraits))
            };
            out.insert(format!(
                "trait {path}{}{supertraits}{s}",
                source(&t.generics)
            ));
            for ti in &t.items {
                match ti {
                    TraitItem::Fn(f) => {
                        let provided = if f.default.is_some() {
                            " (provided)"
                        } else {
                            ""
                        };
                        out.insert(format!(
                            "{}{provided}{s}",
                            signature(&f.sig, &format!("{path}::{}", f.sig.ident))
                        ));
                    }
                    TraitItem::Type(ty) => {
                        out.insert(format!("type {path}::{}{s}", ty.ident));
                    }
                    TraitItem::Const(c) => {
                        out.insert(format!("const {path}::{}: {}{s}", c.ident, source(&c.ty)));
                    }
                    _ => {}
                }
            }
        }
        Item::Union(_) => {
            out.insert(format!("union {path}{s}"));
        }
        _ => {}
    }
}

/// The path an impl's `self_ty` or trait names, without generic arguments.
fn bare_path(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

fn listing() -> String {
    listing_of(&runtime_dir().join("src"))
}

/// The listing of the crate whose `lib.rs` is in `src` (named `monitor_runtime` in it).
fn listing_of(src: &Path) -> String {
    let krate = Crate::load(src);
    let mut surface = Surface::default();
    surface.export_module(&krate, 0, CRATE, None);

    let mut lines = std::mem::take(&mut surface.lines);
    // Canonical path of every public item, to name it in impls and aliases.
    let mut canonical: BTreeMap<(usize, usize), (String, Option<String>)> = BTreeMap::new();
    for (key, paths) in &surface.items {
        let (path, cfg) = Surface::canonical(paths);
        for (other, other_cfg) in paths {
            if *other != path {
                lines.insert(format!("alias {other} = {path}{}", suffix(other_cfg)));
            }
        }
        let item = &krate.modules[key.0].items[key.1];
        describe_item(item, &path, &cfg, &mut lines);
        canonical.insert(*key, (path, cfg));
    }
    for paths in surface.modules.values() {
        for (path, cfg) in paths {
            lines.insert(format!("mod {path}{}", suffix(cfg)));
        }
    }

    // Exported macros live at the root whatever module defines them.
    for module in &krate.modules {
        for item in &module.items {
            if let Item::Macro(m) = item {
                let exported = m.attrs.iter().any(|a| a.path().is_ident("macro_export"));
                if let (true, Some(name)) = (exported, &m.ident) {
                    let hidden = if is_hidden(&m.attrs) {
                        " (doc hidden)"
                    } else {
                        ""
                    };
                    let cfg = join_cfg(&module.cfg, cfg_of(&m.attrs));
                    lines.insert(format!("macro {CRATE}::{name}!{hidden}{}", suffix(&cfg)));
                }
            }
        }
    }

    // Impls, wherever they are written.
    for (module_id, module) in krate.modules.iter().enumerate() {
        for item in &module.items {
            let Item::Impl(imp) = item else { continue };
            let self_key = match &*imp.self_ty {
                syn::Type::Path(tp) => match krate.resolve(module_id, &bare_path(&tp.path), 0) {
                    Some(Target::Item(m, i)) => Some((m, i)),
                    _ => None,
                },
                _ => None,
            };
            let self_public = self_key.and_then(|k| canonical.get(&k));
            let impl_cfg = join_cfg(&module.cfg, cfg_of(&imp.attrs));
            match &imp.trait_ {
                None => {
                    let Some((type_path, type_cfg)) = self_public else {
                        continue;
                    };
                    let cfg = join_cfg(type_cfg, impl_cfg.clone());
                    for ii in &imp.items {
                        match ii {
                            ImplItem::Fn(f) if is_pub(&f.vis) && !is_hidden(&f.attrs) => {
                                let cfg = join_cfg(&cfg, cfg_of(&f.attrs));
                                lines.insert(format!(
                                    "{}{}",
                                    signature(&f.sig, &format!("{type_path}::{}", f.sig.ident)),
                                    suffix(&cfg)
                                ));
                            }
                            ImplItem::Const(c) if is_pub(&c.vis) && !is_hidden(&c.attrs) => {
                                lines.insert(format!(
                                    "const {type_path}::{}: {}{}",
                                    c.ident,
                                    source(&c.ty),
                                    suffix(&cfg)
                                ));
                            }
                            _ => {}
                        }
                    }
                }
                Some((negative, trait_path, _)) => {
                    let trait_key = match krate.resolve(module_id, &bare_path(trait_path), 0) {
                        Some(Target::Item(m, i)) => Some((m, i)),
                        _ => None,
                    };
                    let trait_public = trait_key.and_then(|k| canonical.get(&k));
                    if self_public.is_none() && trait_public.is_none() {
                        continue;
                    }
                    let trait_name = match trait_public {
                        Some((p, _)) => p.clone(),
                        None => source(&trait_path),
                    };
                    let self_name = match self_public {
                        Some((p, _)) => p.clone(),
                        None => source(&imp.self_ty),
                    };
                    let bang = if negative.is_some() { "!" } else { "" };
                    lines.insert(format!(
                        "impl {bang}{trait_name} for {self_name}{}",
                        suffix(&impl_cfg)
                    ));
                }
            }
        }
    }

    let mut text = String::from(
        "# The public surface of monitor-runtime, checked by tests/tests/public_api.rs.\n\
         # After a deliberate change: PUBLIC_API_BLESS=1 cargo test -p monitor-tests --test public_api\n",
    );
    // Grouped by the path each line is about, so an item's lines sit together.
    let mut sorted: Vec<String> = lines.into_iter().collect();
    sorted.sort_by_cached_key(|line| {
        let path = line
            .split_whitespace()
            .find(|w| w.starts_with(CRATE))
            .unwrap_or(line);
        // The path alone: up to the first character that is neither a name nor `::`.
        let end = path
            .char_indices()
            .find(|&(i, c)| {
                !(c.is_alphanumeric()
                    || c == '_'
                    || (c == ':' && path[i..].starts_with("::"))
                    || (c == ':' && path[..i].ends_with(':')))
            })
            .map_or(path.len(), |(i, _)| i);
        let path = path[..end].to_owned();
        (path, line.clone())
    });
    for line in sorted {
        let _ = writeln!(text, "{line}");
    }
    text
}

/// The lines only in `old` (`-`) and only in `new` (`+`), in order.
fn diff(old: &str, new: &str) -> String {
    let old: BTreeSet<&str> = old.lines().collect();
    let new: BTreeSet<&str> = new.lines().collect();
    let mut out = String::new();
    for line in old.difference(&new) {
        let _ = writeln!(out, "- {line}");
    }
    for line in new.difference(&old) {
        let _ = writeln!(out, "+ {line}");
    }
    out
}

#[test]
fn public_surface_matches_the_listing() {
    let file = runtime_dir().join("public-api.txt");
    let actual = listing();
    if std::env::var_os(BLESS).is_some() {
        std::fs::write(&file, &actual).expect("write public-api.txt");
        return;
    }
    let expected = std::fs::read_to_string(&file).unwrap_or_default();
    if expected != actual {
        panic!(
            "the public surface of monitor-runtime changed (- listed, + now):\n{}\n\
             If the change is deliberate, bless it anew:\n    \
             {BLESS}=1 cargo test -p monitor-tests --test public_api\n\
             and commit monitor-runtime/public-api.txt.",
            diff(&expected, &actual)
        );
    }
}

/// The listing of the real crate has the paths a user writes (so the walk did not stop
/// short and bless an empty file).
#[test]
fn the_listing_sees_the_paths_users_write() {
    let text = listing();
    for expected in [
        "macro monitor_runtime::init!",
        "struct monitor_runtime::Config",
        "fn monitor_runtime::init_with(",
        "fn monitor_runtime::metrics::increment(",
        "fn monitor_runtime::registry::functions(",
        "mod monitor_runtime::propagation",
    ] {
        assert!(
            text.lines().any(|l| l.contains(expected)),
            "the listing misses `{expected}`:\n{text}"
        );
    }
}

/// A small crate on disk, listed, then changed the ways a careless edit changes a surface:
/// each change shows up in the diff.
#[test]
fn changes_to_the_surface_show_in_the_diff() {
    let dir = std::env::temp_dir().join(format!("public-api-{}", std::process::id()));
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("inner")).expect("temp dir");
    let write = |path: &str, text: &str| std::fs::write(src.join(path), text).expect("write");
    write(
        "lib.rs",
        "pub mod config;\nmod inner;\npub use inner::Thing;\n\
         #[macro_export]\nmacro_rules! init { () => {} }\n",
    );
    write(
        "config.rs",
        "#[derive(Debug)]\npub enum Mode { Local, Remote }\n\
         pub struct Report { pub sent: u64, kept: u64 }\n\
         pub(crate) fn detect() {}\n",
    );
    write(
        "inner/mod.rs",
        "mod methods;\npub struct Thing;\nimpl Thing { pub fn new() -> Self { Thing } fn private(&self) {} }\n",
    );
    // Methods in a child file that imports its parent with a glob, as split files do.
    write(
        "inner/methods.rs",
        "use super::*;\nimpl Thing { pub fn size(&self) -> usize { 0 } }\n",
    );
    let before = listing_of(&src);
    for line in [
        "mod monitor_runtime::config",
        "enum monitor_runtime::config::Mode  #[derive(Debug)]",
        "variant monitor_runtime::config::Mode::Local",
        "field monitor_runtime::config::Report::sent: u64",
        "struct monitor_runtime::Thing",
        "fn monitor_runtime::Thing::new() -> Self",
        "fn monitor_runtime::Thing::size(&self) -> usize",
        "macro monitor_runtime::init!",
    ] {
        assert!(
            before.lines().any(|l| l == line),
            "missing `{line}` in:\n{before}"
        );
    }
    for absent in ["detect", "kept", "private", "inner", "methods"] {
        assert!(
            !before.contains(absent),
            "`{absent}` is not public but listed:\n{before}"
        );
    }

    // A new public function, a variant renamed, and the enum made non-exhaustive.
    write(
        "config.rs",
        "#[derive(Debug)]\n#[non_exhaustive]\npub enum Mode { Local, Hosted }\n\
         pub struct Report { pub sent: u64, kept: u64 }\n\
         pub fn detect() {}\n",
    );
    let after = listing_of(&src);
    let shown = diff(&before, &after);
    std::fs::remove_dir_all(&dir).ok();
    for line in [
        "+ fn monitor_runtime::config::detect()",
        "- variant monitor_runtime::config::Mode::Remote",
        "+ variant monitor_runtime::config::Mode::Hosted",
        "- enum monitor_runtime::config::Mode  #[derive(Debug)]",
        "+ enum monitor_runtime::config::Mode  #[derive(Debug)] #[non_exhaustive]",
    ] {
        assert!(
            shown.lines().any(|l| l == line),
            "missing `{line}` in the diff:\n{shown}"
        );
    }
}
