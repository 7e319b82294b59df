//! Cargo.toml: workspace metadata, what our templates and helper files use and what this spec's
//! code does not, TLS features.

use crate::tree::Tree;
use anyhow::{Context, Result, bail};
use toml_edit::{DocumentMut, Item, Table, value};

pub fn adapt(tree: &mut Tree) -> Result<()> {
    let mut doc: DocumentMut = tree
        .text("Cargo.toml")?
        .parse()
        .context("generated Cargo.toml")?;

    let package = doc["package"]
        .as_table_mut()
        .context("Cargo.toml has no [package]")?;
    // One version, licence and MSRV for the whole workspace; the generator's authors line names
    // its own team, who do not maintain this crate.
    for key in ["version", "license", "rust-version", "authors"] {
        package.insert(key, workspace_inherited());
    }
    package.insert(
        "description",
        value("Low-level Passage Passkey Flex API bindings, generated from the project's OpenAPI spec"),
    );
    package.insert("readme", value("README.md"));

    let deps = doc["dependencies"]
        .as_table_mut()
        .context("Cargo.toml has no [dependencies]")?;
    trim_build_cost(deps)?;
    // inline/path_segment.rs encodes path parameters with this crate.
    deps.insert("percent-encoding", value("2.3"));
    // api.mustache records each response's status on the caller's span with this crate.
    let mut tracing = toml_edit::InlineTable::new();
    tracing.insert("version", "0.1".into());
    tracing.insert("default-features", false.into());
    tracing.insert("features", toml_edit::Array::from_iter(["std"]).into());
    deps.insert("tracing", value(tracing));
    // The tests inside the helper files in xtask/codegen/inline/ run here too.
    let mut dev_deps = Table::new();
    for (name, version) in [("bytes", "1"), ("http", "1"), ("http-body", "1")] {
        dev_deps.insert(name, value(version));
    }
    let mut tokio = toml_edit::InlineTable::new();
    tokio.insert("version", "1".into());
    tokio.insert(
        "features",
        toml_edit::Array::from_iter(["macros", "rt"]).into(),
    );
    dev_deps.insert("tokio", value(tokio));
    doc.insert("dev-dependencies", Item::Table(dev_deps));

    // The facade passes these two straight through; fail if the generator renames them again
    // (reqwest 0.12 called rustls `rustls-tls`).
    let features = doc["features"]
        .as_table()
        .context("Cargo.toml has no [features]")?;
    for feature in ["rustls", "native-tls"] {
        if !features.contains_key(feature) {
            bail!("generated Cargo.toml has no `{feature}` feature; the facade relies on it");
        }
    }
    let default = features["default"]
        .as_array()
        .context("no default features")?;
    if default
        .iter()
        .filter_map(|v| v.as_str())
        .collect::<Vec<_>>()
        != ["rustls"]
    {
        bail!("generated default features are not [\"rustls\"]: check reqwestDefaultFeatures");
    }

    tree.set_text("Cargo.toml", doc.to_string());
    Ok(())
}

/// What every user of the SDK compiles, cut to what this spec's code uses. The generator's manifest
/// lists what any spec might need: serde_with (a proc macro and darling; only byte-array fields
/// use it now, optional nullable ones go through inline/double_option.rs), serde_repr (integer
/// enums), reqwest's `multipart` and `form` (request bodies of those kinds) and chrono's default
/// features (the local time zone). A spec that comes to need one of them fails to build, naming
/// it, rather than silently costing every build.
fn trim_build_cost(deps: &mut Table) -> Result<()> {
    for unused in ["serde_with", "serde_repr"] {
        if deps.remove(unused).is_none() {
            bail!(
                "generated Cargo.toml has no `{unused}` dependency to drop: check the generator's manifest"
            );
        }
    }
    let reqwest_features = deps
        .get_mut("reqwest")
        .and_then(|dep| dep.get_mut("features"))
        .and_then(|features| features.as_array_mut())
        .context("generated Cargo.toml: `reqwest` has no features list")?;
    reqwest_features.retain(|feature| !matches!(feature.as_str(), Some("multipart" | "form")));
    let mut chrono = toml_edit::InlineTable::new();
    chrono.insert("version", "0.4".into());
    chrono.insert("default-features", false.into());
    chrono.insert(
        "features",
        toml_edit::Array::from_iter(["std", "serde"]).into(),
    );
    deps.insert("chrono", value(chrono));
    Ok(())
}

fn workspace_inherited() -> Item {
    let mut table = Table::new();
    table.set_implicit(true);
    table.insert("workspace", value(true));
    let mut inline = table.into_inline_table();
    inline.set_dotted(true);
    Item::Value(inline.into())
}
