//! `invalid-version`: a catalogue version that is not `X.Y` or `X.Y.Z`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::VersionError;
use crate::lint::{Check, Rule, RuleKind};
use crate::source::Span;

pub(crate) static RULE: Rule = Rule {
    id: "invalid-version",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A version in the catalogue is not `X.Y` or `X.Y.Z`.",
    explanation: "\
`since`, `deprecated`, `hidden`, `removed` and the `[catalogue]` `version` pin are release \
versions: `X.Y` (meaning `X.Y.0`) or `X.Y.Z`, numbers without leading zeros. Pre-release and \
build suffixes (`-rc.1`, `+abc`) and a `v` prefix are refused: a metric is deprecated in a \
release, not in a release candidate. (The version a catalogue is evaluated at, from \
`--version` or the compiling crate, may be a pre-release.)",
    bad: r#"[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
since = "v0.9.0-rc.1"
"#,
    good: r#"[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
since = "0.9"
"#,
    check: Check::Reader,
};

/// The diagnostic for key `key` holding an invalid version.
pub(crate) fn diagnostic(key_span: Span, key: &str, error: &VersionError) -> Diagnostic {
    let input = error.input();
    let mut fixed = input.trim().trim_start_matches(['v', 'V']).to_owned();
    if let Some(cut) = fixed.find(['-', '+']) {
        fixed.truncate(cut);
    }
    let help = if fixed != input && crate::lifecycle::Version::parse_release(&fixed).is_ok() {
        format!("write `{key} = \"{fixed}\"`")
    } else {
        format!("write `{key}` as \"X.Y\" or \"X.Y.Z\", e.g. \"0.10\" or \"0.10.2\"")
    };
    Diagnostic::new(&RULE, key_span, format!("`{key}`: {error}"))
        .label("not a release version")
        .help(help)
}
