//! Operator options on an engine's command line (cargo feature `clap`): show-hidden,
//! disabled metrics and label allow-lists, checked against a catalogue while arguments are
//! parsed, so that a wrong value is a usage error (exit status 2) that says what is valid.

use std::marker::PhantomData;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};

use crate::lifecycle::{Version, check_show_hidden};
use crate::options::{MetricCatalogue, Options, OptionsError, find_metric};

/// The flag re-enabling hidden metrics (vLLM's name).
pub const SHOW_HIDDEN_FLAG: &str = "show-hidden-metrics-for-version";
/// The environment variable that sets it.
pub const SHOW_HIDDEN_ENV: &str = "SHOW_HIDDEN_METRICS_FOR_VERSION";
/// The flag disabling metrics (Kubernetes' name).
pub const DISABLED_FLAG: &str = "disabled-metrics";
/// The environment variable that sets it (names separated by commas).
pub const DISABLED_ENV: &str = "DISABLED_METRICS";
/// The flag restricting open labels to allow-lists (Kubernetes' name).
pub const ALLOW_FLAG: &str = "allow-metric-labels";
/// The environment variable that sets it (allow-lists separated by `;`).
pub const ALLOW_ENV: &str = "ALLOW_METRIC_LABELS";

/// `--show-hidden-metrics-for-version`, `--disabled-metrics` and `--allow-metric-labels`
/// for catalogue `C` (a generated `Metrics`), to flatten into an engine's clap arguments.
///
/// ```
/// use clap::Parser;
/// use metrics_schema_runtime::cli::MetricsArgs;
/// use metrics_schema_runtime::{MetricCatalogue, MetricInfo};
///
/// // What `catalogue!` generates for vLLM's catalogue at 0.11.2, abridged.
/// struct Metrics;
/// impl MetricCatalogue for Metrics {
///     const VERSION: &'static str = "0.11.2";
///     const SHOW_HIDDEN_VALUE: Option<&'static str> = Some("0.10");
///     const METRICS: &'static [MetricInfo] = &[
///         MetricInfo { name: "vllm:num_preemptions", open_labels: &["model_name", "engine"] },
///         MetricInfo { name: "vllm:request_success", open_labels: &["model_name", "engine"] },
///     ];
/// }
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     metrics: MetricsArgs<Metrics>,
/// }
///
/// let cli = Cli::try_parse_from([
///     "engine",
///     "--show-hidden-metrics-for-version=0.10",
///     "--disabled-metrics=vllm:num_preemptions",
///     "--allow-metric-labels=vllm:request_success,model_name=llama,mistral",
/// ])
/// .unwrap();
/// let options = cli.metrics.options().unwrap();
/// assert!(options.shows_hidden());
/// assert!(options.is_disabled("vllm:num_preemptions"));
///
/// // A wrong value is a usage error naming the valid one.
/// let err = Cli::try_parse_from(["engine", "--show-hidden-metrics-for-version=0.9"])
///     .err()
///     .unwrap();
/// assert_eq!(err.exit_code(), 2);
/// assert!(err.to_string().contains("\"0.10\""), "{err}");
/// ```
pub struct MetricsArgs<C> {
    /// The show-hidden value, already checked against `C::VERSION`.
    pub show_hidden_metrics_for_version: Option<String>,
    /// Full names of metrics to disable, each a metric of `C`.
    pub disabled_metrics: Vec<String>,
    /// Label allow-lists, each for an open label of a metric of `C`.
    pub allow_metric_labels: Vec<AllowList>,
    catalogue: PhantomData<fn() -> C>,
}

impl<C> Clone for MetricsArgs<C> {
    fn clone(&self) -> Self {
        MetricsArgs {
            show_hidden_metrics_for_version: self.show_hidden_metrics_for_version.clone(),
            disabled_metrics: self.disabled_metrics.clone(),
            allow_metric_labels: self.allow_metric_labels.clone(),
            catalogue: PhantomData,
        }
    }
}

impl<C> std::fmt::Debug for MetricsArgs<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsArgs")
            .field(
                "show_hidden_metrics_for_version",
                &self.show_hidden_metrics_for_version,
            )
            .field("disabled_metrics", &self.disabled_metrics)
            .field("allow_metric_labels", &self.allow_metric_labels)
            .finish()
    }
}

impl<C> Default for MetricsArgs<C> {
    fn default() -> Self {
        MetricsArgs {
            show_hidden_metrics_for_version: None,
            disabled_metrics: Vec::new(),
            allow_metric_labels: Vec::new(),
            catalogue: PhantomData,
        }
    }
}

/// One `--allow-metric-labels` value: `METRIC,LABEL=VALUE,VALUE..`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowList {
    /// The metric's full name.
    pub metric: String,
    /// The open label.
    pub label: String,
    /// The values kept; any other is recorded as `__overflow__`.
    pub values: Vec<String>,
}

impl AllowList {
    /// Parses `METRIC,LABEL=VALUE,VALUE..` (Kubernetes' `--allow-metric-labels` form).
    pub fn parse(text: &str) -> Result<Self, OptionsError> {
        let invalid = || OptionsError::InvalidAllowList {
            value: text.to_owned(),
        };
        let (key, values) = text.split_once('=').ok_or_else(invalid)?;
        let (metric, label) = key.split_once(',').ok_or_else(invalid)?;
        let values: Vec<String> = values
            .split(',')
            .map(|v| v.trim().trim_matches('\'').to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        let (metric, label) = (metric.trim(), label.trim());
        if metric.is_empty() || label.is_empty() || values.is_empty() {
            return Err(invalid());
        }
        Ok(AllowList {
            metric: metric.to_owned(),
            label: label.to_owned(),
            values,
        })
    }
}

impl<C: MetricCatalogue> MetricsArgs<C> {
    /// The run-time options these arguments describe, for `C::new`.
    pub fn options(&self) -> Result<Options, OptionsError> {
        self.apply(Options::new())
    }

    /// Applies these arguments to `options` (built with other settings already).
    pub fn apply(&self, mut options: Options) -> Result<Options, OptionsError> {
        if let Some(value) = &self.show_hidden_metrics_for_version {
            options = options.show_hidden(C::VERSION, value)?;
        }
        for name in &self.disabled_metrics {
            options = options.disable_metric::<C>(name)?;
        }
        for list in &self.allow_metric_labels {
            let values: Vec<&str> = list.values.iter().map(String::as_str).collect();
            options = options.allow_label_values::<C>(&list.metric, &list.label, &values)?;
        }
        Ok(options)
    }
}

/// A usage error: clap prints it with the usage line and exits with status 2.
fn usage_error(cmd: &Command, arg: Option<&Arg>, value: &str, why: &str) -> clap::Error {
    let flag = arg.map_or_else(String::new, |a| {
        format!(" for '--{}'", a.get_long().unwrap_or_default())
    });
    let mut cmd = cmd.clone();
    clap::Error::raw(
        ErrorKind::ValueValidation,
        format!("invalid value '{value}'{flag}: {why}"),
    )
    .format(&mut cmd)
}

/// A flag's value checked by `check` (its error a sentence naming what is valid), and the
/// values `--help` lists, if any.
#[derive(Clone)]
struct CheckedParser<T> {
    check: fn(&str) -> Result<T, String>,
    possible: Option<fn() -> Option<&'static str>>,
}

impl<T: Clone + Send + Sync + 'static> TypedValueParser for CheckedParser<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let value = value.to_string_lossy();
        (self.check)(&value).map_err(|why| usage_error(cmd, arg, &value, &why))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let possible = self.possible?;
        Some(Box::new(possible().into_iter().map(PossibleValue::new)))
    }
}

/// A show-hidden value checked against `C::VERSION`.
fn show_hidden<C: MetricCatalogue>(value: &str) -> Result<String, String> {
    let at = Version::parse(C::VERSION).map_err(|e| e.to_string())?;
    check_show_hidden(&at, value).map_err(|e| e.to_string())?;
    Ok(value.to_owned())
}

/// The valid show-hidden value of `C`, which `--help` shows.
fn show_hidden_value<C: MetricCatalogue>() -> Option<&'static str> {
    C::SHOW_HIDDEN_VALUE
}

/// A name of a metric of `C` (the error suggests the closest one).
fn metric_name<C: MetricCatalogue>(value: &str) -> Result<String, String> {
    find_metric::<C>(value).map_err(|e| e.to_string())?;
    Ok(value.to_owned())
}

/// An allow-list, parsed and checked against `C`.
fn allow_list<C: MetricCatalogue>(value: &str) -> Result<AllowList, String> {
    let list = AllowList::parse(value).map_err(|e| e.to_string())?;
    let values: Vec<&str> = list.values.iter().map(String::as_str).collect();
    Options::new()
        .allow_label_values::<C>(&list.metric, &list.label, &values)
        .map_err(|e| e.to_string())?;
    Ok(list)
}

impl<C: MetricCatalogue + 'static> Args for MetricsArgs<C> {
    fn augment_args(cmd: Command) -> Command {
        let show_hidden_help = match C::SHOW_HIDDEN_VALUE {
            Some(valid) => format!(
                "Re-enable the metrics hidden at {}: only {valid:?}, the previous minor \
                 release, is accepted",
                C::VERSION
            ),
            None => format!(
                "Re-enable hidden metrics: refused at {}, which has no previous minor release",
                C::VERSION
            ),
        };
        cmd.arg(
            Arg::new(SHOW_HIDDEN_FLAG)
                .long(SHOW_HIDDEN_FLAG)
                .value_name("VERSION")
                .env(SHOW_HIDDEN_ENV)
                .help(show_hidden_help)
                .value_parser(CheckedParser {
                    check: show_hidden::<C>,
                    possible: Some(show_hidden_value::<C>),
                }),
        )
        .arg(
            Arg::new(DISABLED_FLAG)
                .long(DISABLED_FLAG)
                .value_name("METRIC")
                .env(DISABLED_ENV)
                .value_delimiter(',')
                .action(ArgAction::Append)
                .help(
                    "Disable these metrics (full names, comma-separated): not exposed, \
                     recording is a no-op",
                )
                .value_parser(CheckedParser {
                    check: metric_name::<C>,
                    possible: None,
                }),
        )
        .arg(
            Arg::new(ALLOW_FLAG)
                .long(ALLOW_FLAG)
                .value_name("METRIC,LABEL=VALUE,..")
                .env(ALLOW_ENV)
                .value_delimiter(';')
                .action(ArgAction::Append)
                .help(format!(
                    "Keep only these values of an open label; others are recorded as \
                     __overflow__ (repeat the flag, or separate with ';' in {ALLOW_ENV})"
                ))
                .value_parser(CheckedParser {
                    check: allow_list::<C>,
                    possible: None,
                }),
        )
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl<C: MetricCatalogue + 'static> FromArgMatches for MetricsArgs<C> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut args = MetricsArgs::default();
        args.update_from_arg_matches(matches)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        if let Some(v) = matches.get_one::<String>(SHOW_HIDDEN_FLAG) {
            self.show_hidden_metrics_for_version = Some(v.clone());
        }
        if let Some(names) = matches.get_many::<String>(DISABLED_FLAG) {
            self.disabled_metrics = names.cloned().collect();
        }
        if let Some(lists) = matches.get_many::<AllowList>(ALLOW_FLAG) {
            self.allow_metric_labels = lists.cloned().collect();
        }
        Ok(())
    }
}
