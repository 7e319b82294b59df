//! `cargo xtask msrv`: the declared minimum Rust version is one value and is true.
//!
//! One value: every workspace member takes `rust-version` from `[workspace.package]`
//! (`rust-version.workspace = true`), none declares its own. True: no package cargo resolves
//! for the workspace declares a newer one. The graph is `cargo metadata --all-features`: every
//! feature, every platform, build- and dev-dependencies included, so that what a user can enable
//! and what a contributor runs both hold at the declared version. This reads declarations only;
//! it does not build with that toolchain (clippy's `incompatible_msrv` watches our own code).

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn run(root: &Path) -> Result<()> {
    let workspace = workspace_rust_version(root)?;
    let metadata = cargo_metadata(root)?;
    let report = check(workspace, &metadata, read_manifest)?;
    print!("{report}");
    if report.passes() {
        Ok(())
    } else {
        bail!("the declared MSRV is not one value, or not true (see above)")
    }
}

/// A `rust-version` as Cargo accepts it: `1`, `1.89` or `1.89.0`, missing parts being 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct RustVersion {
    major: u64,
    minor: u64,
    patch: u64,
}

impl RustVersion {
    fn parse(text: &str) -> Result<Self> {
        let parts: Vec<&str> = text.split('.').collect();
        if parts.len() > 3 {
            bail!("{text:?} is not a Rust version (at most major.minor.patch)");
        }
        let mut numbers = [0u64; 3];
        for (number, part) in numbers.iter_mut().zip(&parts) {
            if part.is_empty() || !part.bytes().all(|byte| byte.is_ascii_digit()) {
                bail!("{text:?} is not a Rust version (parts must be plain numbers)");
            }
            *number = part
                .parse()
                .with_context(|| format!("{text:?} is not a Rust version"))?;
        }
        let [major, minor, patch] = numbers;
        Ok(Self {
            major,
            minor,
            patch,
        })
    }
}

impl fmt::Display for RustVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written as the workspace writes it: `1.89`, unless a patch is named.
        match self.patch {
            0 => write!(f, "{}.{}", self.major, self.minor),
            patch => write!(f, "{}.{}.{patch}", self.major, self.minor),
        }
    }
}

/// `[workspace.package] rust-version` of the root manifest.
fn workspace_rust_version(root: &Path) -> Result<RustVersion> {
    let path = root.join("Cargo.toml");
    let manifest = read_manifest(&path)?;
    let declared = manifest
        .get("workspace")
        .and_then(|workspace| workspace.get("package"))
        .and_then(|package| package.get("rust-version"))
        .with_context(|| format!("{} has no [workspace.package] rust-version", path.display()))?;
    let text = declared.as_str().with_context(|| {
        format!(
            "{}: [workspace.package] rust-version is not a string",
            path.display()
        )
    })?;
    RustVersion::parse(text).with_context(|| format!("{}", path.display()))
}

fn read_manifest(path: &Path) -> Result<toml::Table> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.parse()
        .with_context(|| format!("parsing {}", path.display()))
}

/// How a member's manifest sets `rust-version`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Declared {
    /// `rust-version.workspace = true`.
    Inherited,
    /// A value of its own (or a malformed entry), as written.
    Own(String),
    /// No `rust-version` at all.
    None,
}

fn declared_rust_version(manifest: &toml::Table) -> Declared {
    let Some(entry) = manifest
        .get("package")
        .and_then(|package| package.get("rust-version"))
    else {
        return Declared::None;
    };
    let inherited = entry
        .as_table()
        .and_then(|table| table.get("workspace"))
        .and_then(toml::Value::as_bool)
        == Some(true);
    if inherited {
        Declared::Inherited
    } else {
        Declared::Own(entry.to_string())
    }
}

/// The part of `cargo metadata --format-version 1` this check reads.
#[derive(Debug, Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_members: Vec<String>,
    resolve: Option<Resolve>,
}

#[derive(Debug, Deserialize)]
struct Package {
    id: String,
    name: String,
    version: String,
    rust_version: Option<String>,
    manifest_path: PathBuf,
}

#[derive(Debug, Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
}

#[derive(Debug, Deserialize)]
struct Node {
    id: String,
    deps: Vec<Dep>,
}

#[derive(Debug, Deserialize)]
struct Dep {
    pkg: String,
    dep_kinds: Vec<DepKind>,
}

#[derive(Debug, Deserialize)]
struct DepKind {
    /// `None` for a normal dependency, else `"dev"` or `"build"`.
    kind: Option<String>,
}

impl Dep {
    /// Needed to build the package (a normal or build dependency), not only for its tests.
    fn to_build(&self) -> bool {
        self.dep_kinds
            .iter()
            .any(|kind| kind.kind.as_deref() != Some("dev"))
    }
}

fn cargo_metadata(root: &Path) -> Result<Metadata> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--all-features"])
        .args(["--color", "never", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    serde_json::from_slice(&output.stdout).context("reading cargo metadata's output")
}

/// What the check found.
#[derive(Debug)]
struct Report {
    workspace: RustVersion,
    /// Members that do not inherit `rust-version`, with what they declare, by name.
    not_inheriting: Vec<(String, Declared)>,
    /// The newest `rust-version` among the dependencies (not members), with who declares it.
    highest: Option<(RustVersion, Vec<String>)>,
    /// Dependencies that need a newer Rust than the workspace declares, newest first.
    too_new: Vec<TooNew>,
}

#[derive(Debug, PartialEq, Eq)]
struct TooNew {
    /// `name version`.
    package: String,
    rust_version: RustVersion,
    /// Members that need it to build.
    built_by: Vec<String>,
    /// Members that need it only for their tests, examples or benchmarks.
    tested_by: Vec<String>,
}

impl Report {
    fn passes(&self) -> bool {
        self.not_inheriting.is_empty() && self.too_new.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "workspace rust-version: {}", self.workspace)?;
        match &self.highest {
            Some((version, packages)) => writeln!(
                f,
                "highest dependency rust-version: {version} ({})",
                packages.join(", ")
            )?,
            None => writeln!(f, "highest dependency rust-version: none declared")?,
        }
        for (member, declared) in &self.not_inheriting {
            match declared {
                Declared::Own(value) => writeln!(
                    f,
                    "member {member} declares rust-version = {value} of its own; \
                     use rust-version.workspace = true"
                )?,
                _ => writeln!(
                    f,
                    "member {member} declares no rust-version; \
                     add rust-version.workspace = true"
                )?,
            }
        }
        for too_new in &self.too_new {
            let mut users = Vec::new();
            if !too_new.built_by.is_empty() {
                users.push(format!("a dependency of {}", too_new.built_by.join(", ")));
            }
            if !too_new.tested_by.is_empty() {
                let members = too_new.tested_by.join(", ");
                users.push(format!("a dev-dependency of {members}"));
            }
            writeln!(
                f,
                "{} needs Rust {}, newer than the workspace's {} ({})",
                too_new.package,
                too_new.rust_version,
                self.workspace,
                users.join("; ")
            )?;
        }
        Ok(())
    }
}

/// `manifest` reads a member's `Cargo.toml` (a parameter so that tests need no files).
fn check(
    workspace: RustVersion,
    metadata: &Metadata,
    manifest: impl Fn(&Path) -> Result<toml::Table>,
) -> Result<Report> {
    let members: BTreeSet<&str> = metadata
        .workspace_members
        .iter()
        .map(String::as_str)
        .collect();
    let packages: BTreeMap<&str, &Package> = metadata
        .packages
        .iter()
        .map(|package| (package.id.as_str(), package))
        .collect();

    let mut not_inheriting = Vec::new();
    for id in &members {
        let package = packages
            .get(id)
            .with_context(|| format!("cargo metadata lists member {id} but not its package"))?;
        let declared = declared_rust_version(&manifest(&package.manifest_path)?);
        if declared != Declared::Inherited {
            not_inheriting.push((package.name.clone(), declared));
        }
    }
    not_inheriting.sort_by(|a, b| a.0.cmp(&b.0));

    let mut dependencies = Vec::new();
    for package in packages.values() {
        if members.contains(package.id.as_str()) {
            continue;
        }
        if let Some(text) = &package.rust_version {
            let version = RustVersion::parse(text)
                .with_context(|| format!("rust-version of {} {}", package.name, package.version))?;
            dependencies.push((*package, version));
        }
    }
    let name = |package: &Package| format!("{} {}", package.name, package.version);

    let highest = dependencies
        .iter()
        .map(|(_, version)| *version)
        .max()
        .map(|top| {
            let mut names: Vec<String> = dependencies
                .iter()
                .filter(|(_, version)| *version == top)
                .map(|(package, _)| name(package))
                .collect();
            names.sort();
            (top, names)
        });

    let graphs = member_graphs(metadata, &members);
    let mut too_new: Vec<TooNew> = dependencies
        .iter()
        .filter(|(_, version)| *version > workspace)
        .map(|(package, version)| {
            let id = package.id.as_str();
            let members = |wanted: fn(&MemberGraph, &str) -> bool| -> Vec<String> {
                graphs
                    .iter()
                    .filter(|graph| wanted(graph, id))
                    .map(|graph| graph.member.to_owned())
                    .collect()
            };
            TooNew {
                package: name(package),
                rust_version: *version,
                built_by: members(|graph, id| graph.to_build.contains(id)),
                tested_by: members(|graph, id| {
                    !graph.to_build.contains(id) && graph.to_test.contains(id)
                }),
            }
        })
        .collect();
    too_new.sort_by(|a, b| {
        (b.rust_version)
            .cmp(&a.rust_version)
            .then_with(|| a.package.cmp(&b.package))
    });

    Ok(Report {
        workspace,
        not_inheriting,
        highest,
        too_new,
    })
}

/// What one workspace member pulls in.
struct MemberGraph<'a> {
    member: &'a str,
    /// Package ids it needs to build (normal and build dependencies, all the way down).
    to_build: BTreeSet<&'a str>,
    /// Those, and what its own dev-dependencies need to build.
    to_test: BTreeSet<&'a str>,
}

/// Each member's dependency graph, by member name. Only a member's own dev-dependencies count
/// (cargo never builds a dependency's), and only for its tests.
fn member_graphs<'a>(metadata: &'a Metadata, members: &BTreeSet<&'a str>) -> Vec<MemberGraph<'a>> {
    let Some(resolve) = &metadata.resolve else {
        return Vec::new();
    };
    let deps: BTreeMap<&str, &[Dep]> = resolve
        .nodes
        .iter()
        .map(|node| (node.id.as_str(), node.deps.as_slice()))
        .collect();
    let deps_of = |id: &str| deps.get(id).copied().unwrap_or_default();
    // Everything `start` needs to build, `start` itself left out.
    let to_build = |start: &'a str| -> BTreeSet<&'a str> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start];
        while let Some(id) = stack.pop() {
            for dep in deps_of(id).iter().filter(|dep| dep.to_build()) {
                if seen.insert(dep.pkg.as_str()) {
                    stack.push(dep.pkg.as_str());
                }
            }
        }
        seen
    };
    let names: BTreeMap<&str, &str> = metadata
        .packages
        .iter()
        .map(|package| (package.id.as_str(), package.name.as_str()))
        .collect();
    let mut graphs: Vec<MemberGraph> = members
        .iter()
        .map(|&member| {
            let built = to_build(member);
            let mut tested = built.clone();
            for dep in deps_of(member).iter().filter(|dep| !dep.to_build()) {
                tested.insert(dep.pkg.as_str());
                tested.extend(to_build(dep.pkg.as_str()));
            }
            MemberGraph {
                member: names.get(member).copied().unwrap_or(member),
                to_build: built,
                to_test: tested,
            }
        })
        .collect();
    graphs.sort_by(|a, b| a.member.cmp(b.member));
    graphs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(text: &str) -> RustVersion {
        RustVersion::parse(text).expect(text)
    }

    #[test]
    fn versions_compare_by_number_with_missing_parts_zero() {
        assert!(version("1.89") > version("1.88.0"));
        assert!(version("1.88.1") > version("1.88"));
        assert_eq!(version("1.89"), version("1.89.0"));
        assert_eq!(version("1"), version("1.0.0"));
        // By number, not by text: 1.100 is newer than 1.99, and 1.9 older than 1.89.
        assert!(version("1.100") > version("1.99.9"));
        assert!(version("1.9") < version("1.89"));
        assert!(version("2") > version("1.99"));
    }

    #[test]
    fn versions_print_as_the_workspace_writes_them() {
        assert_eq!(version("1.89.0").to_string(), "1.89");
        assert_eq!(version("1.89").to_string(), "1.89");
        assert_eq!(version("1.88.1").to_string(), "1.88.1");
    }

    #[test]
    fn what_is_not_a_rust_version_is_an_error() {
        for text in [
            "",
            "1.",
            ".89",
            "1.89.0.1",
            "1.89-beta",
            "v1.89",
            "1.8x",
            " 1.89",
            "+1",
        ] {
            assert!(RustVersion::parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn a_member_inherits_only_with_workspace_true() {
        let declared = |manifest: &str| declared_rust_version(&manifest.parse().expect(manifest));
        assert_eq!(declared(INHERITS), Declared::Inherited);
        assert_eq!(
            declared("[package]\nrust-version = { workspace = true }\n"),
            Declared::Inherited
        );
        assert_eq!(
            declared("[package]\nrust-version = \"1.89\"\n"),
            Declared::Own("\"1.89\"".into())
        );
        assert_eq!(
            declared("[package]\nrust-version.workspace = false\n"),
            Declared::Own("{ workspace = false }".into())
        );
        assert_eq!(declared("[package]\nname = \"x\"\n"), Declared::None);
    }

    const INHERITS: &str = "[package]\nrust-version.workspace = true\n";

    /// A workspace of two members as cargo metadata: `sdk` (inheriting) uses `small`, and the
    /// emulator in its tests; `emulator` (whose manifest is given) uses `webauthn`, which uses
    /// `proto`, and `checker` in its tests.
    struct Workspace {
        metadata: Metadata,
        emulator_manifest: &'static str,
    }

    fn workspace(
        emulator_manifest: &'static str,
        dependencies: &[(&str, Option<&str>)],
    ) -> Workspace {
        let package = |id: &str, rust_version: Option<&str>, manifest_path: &str| Package {
            id: id.into(),
            name: id.into(),
            version: "1.0.0".into(),
            rust_version: rust_version.map(Into::into),
            manifest_path: manifest_path.into(),
        };
        let mut packages = vec![
            package("sdk", Some("1.89"), "sdk/Cargo.toml"),
            package("emulator", Some("1.89"), "emulator/Cargo.toml"),
        ];
        packages.extend(
            dependencies
                .iter()
                .map(|(id, rust_version)| package(id, *rust_version, "registry/Cargo.toml")),
        );
        // `dev:` marks a dev-dependency.
        let node = |id: &str, dependencies: &[&str]| Node {
            id: id.into(),
            deps: dependencies
                .iter()
                .map(|dependency| {
                    let (kind, pkg) = match dependency.strip_prefix("dev:") {
                        Some(pkg) => (Some("dev".to_owned()), pkg),
                        None => (None, *dependency),
                    };
                    Dep {
                        pkg: pkg.into(),
                        dep_kinds: vec![DepKind { kind }],
                    }
                })
                .collect(),
        };
        Workspace {
            metadata: Metadata {
                packages,
                workspace_members: vec!["sdk".into(), "emulator".into()],
                resolve: Some(Resolve {
                    nodes: vec![
                        node("sdk", &["small", "dev:emulator"]),
                        node("emulator", &["webauthn", "dev:checker"]),
                        node("webauthn", &["proto"]),
                    ],
                }),
            },
            emulator_manifest,
        }
    }

    impl Workspace {
        fn check(&self, version: RustVersion) -> Result<Report> {
            check(version, &self.metadata, |path| {
                let text = if path.starts_with("emulator") {
                    self.emulator_manifest
                } else {
                    INHERITS
                };
                Ok(text.parse()?)
            })
        }
    }

    #[test]
    fn a_dependency_newer_than_the_workspace_fails_and_is_named_with_its_users() {
        let workspace = workspace(
            INHERITS,
            &[
                ("small", Some("1.70")),
                ("webauthn", Some("1.89")),
                ("proto", Some("1.89.0")),
                ("checker", Some("1.90")),
            ],
        );
        let report = workspace.check(version("1.88")).expect("a report");
        assert!(!report.passes());
        let too_new = |package: &str, rust_version: &str, built: &[&str], tested: &[&str]| {
            let names = |names: &[&str]| names.iter().map(|name| name.to_string()).collect();
            TooNew {
                package: package.into(),
                rust_version: version(rust_version),
                built_by: names(built),
                tested_by: names(tested),
            }
        };
        assert_eq!(
            report.too_new,
            [
                // The emulator's own dev-dependency is not the sdk's, though the sdk tests with
                // the emulator.
                too_new("checker 1.0.0", "1.90", &[], &["emulator"]),
                too_new("proto 1.0.0", "1.89", &["emulator"], &["sdk"]),
                too_new("webauthn 1.0.0", "1.89", &["emulator"], &["sdk"]),
            ]
        );
        let text = report.to_string();
        assert!(text.contains("workspace rust-version: 1.88\n"), "{text}");
        assert!(
            text.contains("highest dependency rust-version: 1.90 (checker 1.0.0)\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "webauthn 1.0.0 needs Rust 1.89, newer than the workspace's 1.88 \
                 (a dependency of emulator; a dev-dependency of sdk)\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "checker 1.0.0 needs Rust 1.90, newer than the workspace's 1.88 \
                 (a dev-dependency of emulator)\n"
            ),
            "{text}"
        );

        // At 1.90 it passes: equal is not newer.
        let report = workspace.check(version("1.90")).expect("a report");
        assert!(report.passes(), "{report}");
        assert!(report.too_new.is_empty());
    }

    #[test]
    fn a_member_with_its_own_rust_version_fails_even_when_it_is_the_same() {
        let workspace = workspace(
            "[package]\nrust-version = \"1.89\"\n",
            &[("small", None), ("webauthn", Some("1.60"))],
        );
        let report = workspace.check(version("1.89")).expect("a report");
        assert!(!report.passes());
        assert_eq!(
            report.not_inheriting,
            [("emulator".to_owned(), Declared::Own("\"1.89\"".into()))]
        );
        assert!(report.too_new.is_empty());
        let text = report.to_string();
        assert!(
            text.contains("member emulator declares rust-version = \"1.89\" of its own"),
            "{text}"
        );

        let workspace = self::workspace("[package]\nname = \"emulator\"\n", &[]);
        let report = workspace.check(version("1.89")).expect("a report");
        assert_eq!(
            report.not_inheriting,
            [("emulator".to_owned(), Declared::None)]
        );
        assert!(
            report
                .to_string()
                .contains("member emulator declares no rust-version")
        );
    }

    #[test]
    fn no_declared_dependency_version_is_reported_as_none() {
        let workspace = workspace(INHERITS, &[("small", None)]);
        let report = workspace.check(version("1.89")).expect("a report");
        assert!(report.passes());
        assert!(report.highest.is_none());
        assert!(
            report
                .to_string()
                .contains("highest dependency rust-version: none declared")
        );
    }

    #[test]
    fn a_malformed_dependency_version_is_an_error_naming_the_package() {
        let workspace = workspace(INHERITS, &[("small", Some("soon"))]);
        let error = workspace.check(version("1.89")).expect_err("an error");
        assert!(
            format!("{error:#}").contains("rust-version of small 1.0.0"),
            "{error:#}"
        );
    }
}
