//! The generated items themselves.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::catalogue::{Buckets, Catalogue, LabelKind, Metric, MetricKind, value_identifier};
use crate::descriptor::{Deprecation, Descriptor, Stage as DescStage};
use crate::lifecycle::{Status, Version, show_hidden_value};
use crate::source::{Source, Span as SourceSpan};

use super::docs;
use super::idents::{camel, ident};
use crate::catalogue::generated::{
    MAX_TUPLE_CLOSED, clashes, closed_type_name, const_names, removed_trait_name,
};

/// The path of the runtime crate in generated code: `::metrics_schema_runtime`, or
/// `::name` under the macro's `crate = "name"` argument (a renamed dependency).
/// `None` when `name` is not an identifier.
pub(crate) fn runtime_path(name: Option<&str>) -> Option<TokenStream> {
    let name = name.unwrap_or("metrics_schema_runtime");
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    let mut chars = bare.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && bare != "_"
        && !(raw && matches!(bare, "crate" | "self" | "super" | "Self"));
    if !valid {
        return None;
    }
    let ident = if raw {
        Ident::new_raw(bare, Span::call_site())
    } else {
        Ident::new(bare, Span::call_site())
    };
    Some(quote!(::#ident))
}

fn str_option(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// `file:line:col` of `span`.
fn at(source: &Source, span: SourceSpan) -> String {
    format!("{}:{}", source.name(), source.position(span.start))
}

fn status_tokens(rt: &TokenStream, status: Status) -> TokenStream {
    match status {
        Status::Active => quote!(#rt::lifecycle::Status::Active),
        Status::Deprecated => quote!(#rt::lifecycle::Status::Deprecated),
        Status::Hidden => quote!(#rt::lifecycle::Status::Hidden),
        Status::Removed => quote!(#rt::lifecycle::Status::Removed),
    }
}

/// A metric's label as a parameter of its accessor.
struct Param {
    ident: Ident,
    /// The enum of a closed label; `None` for an open one (`&str`).
    closed: Option<Ident>,
}

/// Everything generated for one metric, named.
struct Plan<'a> {
    /// The path of the runtime crate.
    rt: &'a TokenStream,
    metric: &'a Metric,
    status: Status,
    field: Ident,
    bind: Ident,
    family: Ident,
    consts: [Ident; 4],
    params: Vec<Param>,
}

impl Plan<'_> {
    fn open(&self) -> impl Iterator<Item = &Ident> {
        self.params
            .iter()
            .filter(|p| p.closed.is_none())
            .map(|p| &p.ident)
    }

    fn closed(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.closed.is_some())
    }

    fn has_open(&self) -> bool {
        self.params.iter().any(|p| p.closed.is_none())
    }

    /// The signature's parameters, in catalogue order.
    fn signature(&self) -> Vec<TokenStream> {
        self.params
            .iter()
            .map(|p| {
                let name = &p.ident;
                match &p.closed {
                    Some(ty) => quote!(#name: #ty),
                    None => quote!(#name: &str),
                }
            })
            .collect()
    }

    fn open_signature(&self) -> Vec<TokenStream> {
        self.open().map(|name| quote!(#name: &str)).collect()
    }

    /// `Counter`, `Gauge`, `Histogram` or `Info`.
    fn metric_type(&self) -> TokenStream {
        let rt = self.rt;
        match self.metric.kind {
            MetricKind::Counter => quote!(#rt::Counter),
            MetricKind::Gauge => quote!(#rt::Gauge),
            MetricKind::Histogram => quote!(#rt::Histogram),
            MetricKind::Info => quote!(#rt::Info),
        }
    }

    /// The `ClosedLabels` type: `()`, the enum, a tuple of enums, or past
    /// [`MAX_TUPLE_CLOSED`] labels the generated combination type.
    fn closed_type(&self) -> TokenStream {
        let enums: Vec<&Ident> = self.closed().filter_map(|p| p.closed.as_ref()).collect();
        match enums.as_slice() {
            [] => quote!(()),
            [one] => quote!(#one),
            many if many.len() <= MAX_TUPLE_CLOSED => quote!((#(#many,)*)),
            _ => {
                let ty = self.combined();
                quote!(#ty)
            }
        }
    }

    /// The closed-label argument: `()`, the value, or a tuple of values (the generated
    /// combination type past [`MAX_TUPLE_CLOSED`]).
    fn closed_value(&self) -> TokenStream {
        let values: Vec<&Ident> = self.closed().map(|p| &p.ident).collect();
        match values.as_slice() {
            [] => quote!(()),
            [one] => quote!(#one),
            many if many.len() <= MAX_TUPLE_CLOSED => quote!((#(#many,)*)),
            many => {
                let ty = self.combined();
                quote!(#ty(#(#many),*))
            }
        }
    }

    /// The name of the combination type of a metric with many closed labels.
    fn combined(&self) -> Ident {
        Ident::new(&closed_type_name(&self.metric.name), Span::call_site())
    }

    /// The combination type of a live metric with more closed labels than a tuple holds:
    /// a tuple struct of the enums implementing `ClosedLabels` (mixed radix, first label
    /// most significant, like the tuples).
    fn combined_type(&self) -> Option<TokenStream> {
        let enums: Vec<&Ident> = self.closed().filter_map(|p| p.closed.as_ref()).collect();
        if enums.len() <= MAX_TUPLE_CLOSED {
            return None;
        }
        let rt = self.rt;
        let ty = self.combined();
        let fields: Vec<proc_macro2::Literal> = (0..enums.len())
            .map(proc_macro2::Literal::usize_unsuffixed)
            .collect();
        let doc = format!(
            "The closed labels of `{}`, in catalogue order (generated because a tuple holds \
             at most {MAX_TUPLE_CLOSED}).",
            self.metric.full_name
        );
        Some(quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            pub struct #ty(#(pub #enums),*);

            impl #rt::ClosedLabels for #ty {
                const LISTS: &'static [&'static [&'static str]] =
                    &[#(<#enums as #rt::ClosedLabel>::VALUES),*];
                const CARDINALITY: usize =
                    1 #(* <#enums as #rt::ClosedLabel>::VALUES.len())*;
                #[inline(always)]
                fn dense_index(self) -> usize {
                    let mut index = 0;
                    #(index = index * <#enums as #rt::ClosedLabel>::VALUES.len()
                        + #rt::ClosedLabel::index(self.#fields);)*
                    index
                }
            }
        })
    }

    fn family_type(&self) -> TokenStream {
        let rt = self.rt;
        let m = self.metric_type();
        let c = self.closed_type();
        let n = Literal::usize_unsuffixed(self.open().count());
        quote!(#rt::Family<#m, #c, #n>)
    }
}

/// Generates the items of `catalogue` at `version`; `Err` lists names that cannot become
/// distinct Rust items.
pub(crate) fn generate(
    catalogue: &Catalogue,
    source: &Source,
    version: &Version,
    track: Option<&str>,
    rt: &TokenStream,
) -> Result<TokenStream, Vec<String>> {
    // The names are checked as the `generated-name` rule checks them: `check` already
    // refused a catalogue with a clash, so this only guards against a bug.
    let problems: Vec<String> = clashes(catalogue)
        .iter()
        .map(|c| c.message(&|span| Some(at(source, span))))
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }

    // Closed labels: one enum each.
    let mut enums = Vec::new();
    for label in &catalogue.labels {
        let LabelKind::Closed { values } = &label.kind else {
            continue;
        };
        enums.push(closed_enum(
            rt,
            catalogue,
            label,
            &camel(&label.name),
            values,
            version,
        ));
    }
    // A metric introduced after `version` is not generated at all: neither a family nor a
    // removed-metric error, as if the catalogue did not have it yet.
    let plans: Vec<Plan<'_>> = catalogue
        .metrics
        .iter()
        .filter(|m| m.is_introduced_at(version))
        .map(|m| plan(rt, m, version))
        .collect();

    let live: Vec<&Plan<'_>> = plans
        .iter()
        .filter(|p| p.status != Status::Removed)
        .collect();
    let version_text = version.to_string();
    let show_hidden = str_option(
        show_hidden_value(version)
            .map(|v| v.minor_line())
            .as_deref(),
    );
    let show_hidden_doc = match show_hidden_value(version) {
        Some(v) => format!(
            "The one show-hidden value valid at {version} (`{}`, the previous minor release): \
             given to [`Metrics::options`], it re-enables the hidden metrics.",
            v.minor_line()
        ),
        None => format!(
            "`None`: {version} is an `X.0` release, with no previous minor release whose \
             hidden metrics could be re-enabled."
        ),
    };
    let version_doc = format!(
        "The version this catalogue was compiled at: the lifecycle of every metric is \
         evaluated at {version}."
    );
    let struct_doc = docs::metrics_struct(catalogue, source.name(), version);

    let fields = live.iter().map(|p| {
        let field = &p.field;
        let ty = p.family_type();
        quote!(#field: #ty)
    });
    let field_names: Vec<&Ident> = live.iter().map(|p| &p.field).collect();
    let (build_chunks, chunk_fns) = build_in_chunks(rt, &live);
    let options_param = if live.is_empty() {
        format_ident!("_options")
    } else {
        format_ident!("options")
    };
    let consts = live.iter().map(|p| desc_items(catalogue, p, version));
    let combined = live.iter().filter_map(|p| p.combined_type());
    let accessors = live.iter().map(|p| accessors(catalogue, p, version));
    let removed = plans
        .iter()
        .filter(|p| p.status == Status::Removed)
        .map(|p| removed_items(catalogue, p, version));
    let infos = live.iter().map(|p| {
        let name = &p.metric.full_name;
        let open = p.metric.labels.iter().filter_map(|l| match l.kind {
            LabelKind::Open { .. } => Some(&l.name),
            LabelKind::Closed { .. } => None,
        });
        quote!(#rt::MetricInfo { name: #name, open_labels: &[#(#open),*] })
    });
    // The overflow counter of the catalogue's open labels, registered with its families.
    let overflows = catalogue
        .label_overflows_name()
        .filter(|_| live.iter().any(|p| p.has_open()))
        .map(|name| {
            quote! {
                static LABEL_OVERFLOWS: #rt::MetricDesc = #rt::label_overflows_desc(#name);
                let overflows = #rt::LabelOverflows::new(&LABEL_OVERFLOWS, collectors.clone());
                collectors.push(overflows.collector());
            }
        });
    let tracking = track.map(|path| {
        quote! {
            // Makes cargo rebuild the crate when the catalogue changes.
            const _: &[u8] = ::core::include_bytes!(#path);
        }
    });

    Ok(quote! {
        #[doc = #version_doc]
        pub const VERSION: &str = #version_text;

        #[doc = #show_hidden_doc]
        pub const SHOW_HIDDEN_VALUE: ::core::option::Option<&str> = #show_hidden;

        #(#enums)*

        #(#combined)*

        #[doc = #struct_doc]
        #[derive(Clone, Debug)]
        pub struct Metrics {
            #(#fields,)*
        }

        #[allow(non_snake_case, clippy::too_many_arguments)]
        impl Metrics {
            #(#consts)*

            /// Run-time options for [`Metrics::new`]: with `Some(value)`, the show-hidden
            /// value (vLLM's `--show-hidden-metrics-for-version`) is checked against
            /// [`VERSION`]; only [`SHOW_HIDDEN_VALUE`] is accepted, and any other value is
            /// an error naming it. Chain `max_values` and `buckets` on the result to
            /// override the catalogue's bounds or supply run-time buckets.
            pub fn options(
                show_hidden: ::core::option::Option<&str>,
            ) -> ::core::result::Result<#rt::Options, #rt::OptionsError> {
                let options = #rt::Options::new();
                match show_hidden {
                    ::core::option::Option::Some(value) => options.show_hidden(VERSION, value),
                    ::core::option::Option::None => ::core::result::Result::Ok(options),
                }
            }

            /// Builds every family of the catalogue (hidden ones as no-op sinks unless the
            /// options show hidden metrics). Fails only for options the catalogue needs and
            /// did not get, such as the bounds of a `buckets = "runtime"` histogram.
            pub fn new(
                #options_param: &#rt::Options,
            ) -> ::core::result::Result<Self, #rt::BuildError> {
                #(#build_chunks)*
                ::core::result::Result::Ok(Metrics { #(#field_names,)* })
            }

            #(#chunk_fns)*

            #(#accessors)*
        }

        impl #rt::MetricSet for Metrics {
            /// The families, then the counter of open-label overflows.
            #[allow(unused_mut)]
            fn collectors(&self) -> ::std::vec::Vec<#rt::Collector> {
                let mut collectors = ::std::vec![#(self.#field_names.collector()),*];
                #overflows
                collectors
            }
        }

        impl #rt::MetricCatalogue for Metrics {
            const VERSION: &'static str = VERSION;
            const SHOW_HIDDEN_VALUE: ::core::option::Option<&'static str> = SHOW_HIDDEN_VALUE;
            const METRICS: &'static [#rt::MetricInfo] = &[#(#infos),*];
        }

        #(#removed)*

        #tracking
    })
}

/// How many families one private constructor function builds.
const CHUNK: usize = 32;

/// The statements of `Metrics::new` and the private functions they call: the families are
/// built `CHUNK` at a time, each into a typed `let`, so that no function grows with the
/// catalogue. One function building a thousand families costs the compiler seconds
/// (inference of untyped lets, nested scopes, drop ladders of early returns) where
/// chunks cost milliseconds.
fn build_in_chunks(rt: &TokenStream, live: &[&Plan<'_>]) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut statements = Vec::new();
    let mut functions = Vec::new();
    for (i, chunk) in live.chunks(CHUNK).enumerate() {
        let function = format_ident!("__metrics_schema_new_{}", i);
        let fields: Vec<&Ident> = chunk.iter().map(|p| &p.field).collect();
        let types: Vec<TokenStream> = chunk.iter().map(|p| p.family_type()).collect();
        let descs = chunk.iter().map(|p| &p.consts[0]);
        statements.push(quote! {
            let (#(#fields,)*) = Self::#function(options)?;
        });
        functions.push(quote! {
            // Builds deprecated and hidden families too: their descriptors are deprecated
            // items for the engine's code, not for this constructor.
            #[allow(clippy::type_complexity, deprecated)]
            #[inline(never)]
            fn #function(
                options: &#rt::Options,
            ) -> ::core::result::Result<(#(#types,)*), #rt::BuildError> {
                #(let #fields: #types = #rt::Family::new(Self::#descs, options)?;)*
                ::core::result::Result::Ok((#(#fields,)*))
            }
        });
    }
    (statements, functions)
}

fn plan<'a>(rt: &'a TokenStream, metric: &'a Metric, version: &Version) -> Plan<'a> {
    let params = metric
        .labels
        .iter()
        .map(|label| Param {
            ident: ident(&label.name),
            closed: match label.kind {
                LabelKind::Closed { .. } => {
                    Some(Ident::new(&camel(&label.name), Span::call_site()))
                }
                LabelKind::Open { .. } => None,
            },
        })
        .collect();
    Plan {
        rt,
        metric,
        status: metric.status_at(version),
        field: ident(&metric.name),
        bind: ident(&format!("{}_bind", metric.name)),
        family: ident(&format!("{}_family", metric.name)),
        consts: const_names(&metric.name).map(|c| format_ident!("{}", c)),
        params,
    }
}

fn closed_enum(
    rt: &TokenStream,
    catalogue: &Catalogue,
    label: &crate::catalogue::Label,
    name: &str,
    values: &[String],
    version: &Version,
) -> TokenStream {
    let ty = Ident::new(name, Span::call_site());
    let doc = docs::label_enum(catalogue, label, version);
    // `check` refused values without an identifier; the fallback keeps this total.
    let variants: Vec<Ident> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let name = value_identifier(v).unwrap_or_else(|| format!("Value{i}"));
            Ident::new(&name, Span::call_site())
        })
        .collect();
    let variant_docs = values.iter().map(|v| format!("`{}`", v.replace('`', "'")));
    let count = Literal::usize_unsuffixed(values.len());
    let label_name = &label.name;
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum #ty {
            #(#[doc = #variant_docs] #variants,)*
        }

        impl #ty {
            /// Every value, in catalogue order.
            pub const ALL: [Self; #count] = [#(Self::#variants),*];
            /// The label's name.
            pub const LABEL: &'static str = #label_name;

            /// The value as exposed.
            pub const fn as_str(self) -> &'static str {
                <Self as #rt::ClosedLabel>::VALUES[self as usize]
            }
        }

        impl #rt::ClosedLabel for #ty {
            const VALUES: &'static [&'static str] = &[#(#values),*];
            #[inline(always)]
            fn index(self) -> usize {
                self as usize
            }
        }

        impl ::core::fmt::Display for #ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

/// `#[deprecated(since, note)]` for the items of a metric deprecated or hidden at
/// `version`, so that every use in the engine is rustc's `use of deprecated` warning with
/// the note of [`docs::deprecation_note`]; nothing for an active metric.
fn deprecated_attr(catalogue: &Catalogue, p: &Plan<'_>, version: &Version) -> TokenStream {
    if !matches!(p.status, Status::Deprecated | Status::Hidden) {
        return TokenStream::new();
    }
    let s = &p.metric.schedule;
    let note = docs::deprecation_note(catalogue, p.metric, version);
    match s.deprecated.as_ref().or(s.hidden.as_ref()) {
        Some(since) => {
            let since = since.to_string();
            quote!(#[deprecated(since = #since, note = #note)])
        }
        None => quote!(#[deprecated(note = #note)]),
    }
}

/// The `MetricDesc` and the name, help and status consts of a live metric.
fn desc_items(catalogue: &Catalogue, p: &Plan<'_>, version: &Version) -> TokenStream {
    let rt = p.rt;
    let m = p.metric;
    let [desc, name_const, help_const, status_const] = &p.consts;
    // The descriptor as a value (`crate::descriptor`), quoted: one source for generated
    // code and for tests that hand descriptors to the runtime directly.
    let Some(d) = Descriptor::of(m, version) else {
        return TokenStream::new(); // removed: no descriptor (never called for those)
    };
    let name = &d.name;
    let help = &d.help;
    let help_at = m.help_at(version);
    let unit = str_option(d.unit.as_deref());
    let metric_type = match d.metric_type {
        MetricKind::Counter => quote!(#rt::MetricType::Counter),
        MetricKind::Gauge => quote!(#rt::MetricType::Gauge),
        MetricKind::Histogram => quote!(#rt::MetricType::Histogram),
        MetricKind::Info => quote!(#rt::MetricType::Info),
    };
    let deprecation_tokens = |dep: &Deprecation| {
        let since = &dep.since;
        let replaced_by = str_option(dep.replaced_by.as_deref());
        let note = str_option(dep.note.as_deref());
        quote!(#rt::Deprecation { since: #since, replaced_by: #replaced_by, note: #note })
    };
    let stage = match &d.stage {
        DescStage::Hidden(Some(dep)) => {
            let dep = deprecation_tokens(dep);
            quote!(#rt::Stage::Hidden(::core::option::Option::Some(#dep)))
        }
        DescStage::Hidden(None) => quote!(#rt::Stage::Hidden(::core::option::Option::None)),
        DescStage::Deprecated(dep) => {
            let dep = deprecation_tokens(dep);
            quote!(#rt::Stage::Deprecated(#dep))
        }
        DescStage::Active => quote!(#rt::Stage::Active),
    };
    let labels = d.labels.iter().map(|label| {
        let label_name = &label.name;
        match &label.closed {
            None => {
                let max = if label.max_values == usize::MAX {
                    quote!(usize::MAX)
                } else {
                    let n = Literal::usize_unsuffixed(label.max_values);
                    quote!(#n)
                };
                quote!(#rt::LabelDesc {
                    name: #label_name,
                    kind: #rt::LabelKind::Open { max_values: #max },
                })
            }
            Some(values) => quote!(#rt::LabelDesc {
                name: #label_name,
                kind: #rt::LabelKind::Closed(&[#(#values),*]),
            }),
        }
    });
    let buckets = match &d.buckets {
        Some(Buckets::Bounds(bounds)) => {
            let bounds = bounds.iter().map(|b| Literal::f64_suffixed(*b));
            quote!(#rt::Buckets::Static(&[#(#bounds),*]))
        }
        Some(Buckets::Runtime) => quote!(#rt::Buckets::Runtime),
        None => quote!(#rt::Buckets::None),
    };
    let status = status_tokens(rt, p.status);
    let accessor = docs::code(&format!("Metrics::{}", super::idents::spelled(&m.name)));
    let desc_doc = format!(
        "The descriptor of {} ({accessor}), as built by [`Metrics::new`].",
        docs::code(name)
    );
    let name_doc = format!("The full name of {accessor}: {}.", docs::code(name));
    let help_doc = format!(
        "The HELP {accessor} is exposed with at {version} (with the deprecation notice once \
         deprecated)."
    );
    let status_doc = format!(
        "The lifecycle status of {accessor} at {version}: {}.\n\n{}",
        p.status,
        docs::lifecycle(catalogue, m, version)
    );
    let deprecated = deprecated_attr(catalogue, p, version);
    quote! {
        #[doc = #desc_doc]
        #deprecated
        pub const #desc: &'static #rt::MetricDesc = &#rt::MetricDesc {
            name: #name,
            help: #help,
            unit: #unit,
            metric_type: #metric_type,
            stage: #stage,
            labels: &[#(#labels),*],
            buckets: #buckets,
        };
        #[doc = #name_doc]
        #deprecated
        pub const #name_const: &'static str = #name;
        #[doc = #help_doc]
        #deprecated
        pub const #help_const: &'static str = #help_at;
        #[doc = #status_doc]
        #deprecated
        pub const #status_const: #rt::lifecycle::Status = #status;
    }
}

/// The accessor, bound-handle and family methods of a live metric.
fn accessors(catalogue: &Catalogue, p: &Plan<'_>, version: &Version) -> TokenStream {
    let rt = p.rt;
    let field = &p.field;
    let m_ty = p.metric_type();
    let c_ty = p.closed_type();
    let signature = p.signature();
    let closed = p.closed_value();
    let open: Vec<&Ident> = p.open().collect();
    let doc = docs::metric(catalogue, p.metric, version);
    let family_ty = p.family_type();
    let family = &p.family;
    let body = if open.is_empty() {
        quote!(self.#field.get(#closed))
    } else {
        quote!(self.#field.with([#(#open),*], #closed))
    };
    let name = docs::code(&p.metric.full_name);
    let accessor = docs::code(&format!(
        "Metrics::{}",
        super::idents::spelled(&p.metric.name)
    ));
    let family_doc = format!(
        "The family of {name}: every series of {accessor}, for snapshots and for code generic \
         over families."
    );
    let deprecated = deprecated_attr(catalogue, p, version);
    let bind = p.has_open().then(|| {
        let bind = &p.bind;
        let open_signature = p.open_signature();
        let bind_doc = format!(
            "A handle on the series of {name} for these open label values: recording through \
             it is an array index and an atomic operation, as fast as an unlabeled metric. \
             Binding may allocate once per new combination; keep the handle (it is `'static`, \
             `Clone`, `Send` and `Sync`) in the engine's long-lived state."
        );
        quote! {
            #[doc = #bind_doc]
            #deprecated
            #[inline]
            pub fn #bind(&self, #(#open_signature),*) -> #rt::Bound<#m_ty, #c_ty> {
                self.#field.bind([#(#open),*])
            }
        }
    });
    quote! {
        #[doc = #doc]
        #deprecated
        #[inline]
        pub fn #field(&self, #(#signature),*) -> &#m_ty {
            #body
        }

        #bind

        #[doc = #family_doc]
        #deprecated
        #[inline]
        pub fn #family(&self) -> &#family_ty {
            &self.#field
        }
    }
}

/// The marker trait of a removed metric (see [`removed_trait_name`]).
fn removed_trait(m: &Metric) -> Ident {
    Ident::new(&removed_trait_name(m), Span::call_site())
}

/// Escapes `{` and `}` for a `#[diagnostic::on_unimplemented]` format string.
fn format_escape(s: &str) -> String {
    s.replace('{', "{{").replace('}', "}}")
}

/// The placeholder methods of a removed metric: they exist so that a call is an error that
/// names the metric, the removal version and the replacement, instead of "no method".
fn removed_items(catalogue: &Catalogue, p: &Plan<'_>, version: &Version) -> TokenStream {
    let m = p.metric;
    let trait_name = removed_trait(m);
    let removed = m
        .schedule
        .removed
        .as_ref()
        .map_or_else(|| version.to_string(), Version::to_string);
    let mut message = format!("metric `{}` was removed in {removed}", m.full_name);
    match (&m.replaced_by, &m.replacement) {
        (Some(local), Some(full)) => {
            message.push_str(&format!(": use `{full}` instead"));
            if let Some(r) = catalogue.metric(local)
                && r.is_generated_at(version)
            {
                message.push_str(&format!(
                    " (`Metrics::{}`)",
                    super::idents::spelled(&r.name)
                ));
            }
        }
        _ => message.push_str(" and has no replacement"),
    }
    let label = format!("`{}` is removed at {version}", m.name);
    let mut note = format!(
        "the catalogue is compiled at version {version}; `{}` was ",
        m.full_name
    );
    if let Some(d) = &m.schedule.deprecated {
        note.push_str(&format!("deprecated in {d} and "));
    }
    note.push_str(&format!("removed in {removed}."));
    if let Some(n) = m.note.as_deref().filter(|n| !n.trim().is_empty()) {
        note.push(' ');
        note.push_str(n.trim());
    }
    // A const of a removed metric is an error when it is evaluated (at every build that
    // uses it) and a deprecation warning wherever it is named, also under `cargo check`:
    // the same explanation as the methods.
    let const_message = {
        let mut chars = note.chars();
        let capitalized: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        format!("{message}. {capitalized}")
    };
    let (message, label, note) = (
        format_escape(&message),
        format_escape(&label),
        format_escape(&note),
    );
    let trait_doc = format!(
        "Implemented by nothing, and implementable by nothing (its supertrait is sealed in \
         the runtime): the bound that makes a use of the removed metric `{}` a compile error \
         saying so.",
        m.full_name
    );
    let rt = p.rt;
    let field = &p.field;
    let family = &p.family;
    let signature = p.signature();
    let m_ty = p.metric_type();
    let c_ty = p.closed_type();
    let family_ty = p.family_type();
    // No body can run, and none has a run-time branch: the bound `&Self: #trait_name` can
    // never hold, because its supertrait `Removed` is sealed in the runtime; the body only
    // calls `Removed::removed`, which returns `!`.
    let body = quote!(#rt::__private::Removed::removed(&self));
    let bind = p.has_open().then(|| {
        let bind = &p.bind;
        let open_signature = p.open_signature();
        quote! {
            #[doc(hidden)]
            pub fn #bind<'m>(&'m self, #(#open_signature),*) -> #rt::Bound<#m_ty, #c_ty>
            where
                &'m Self: #trait_name,
            {
                #body
            }
        }
    });
    let [desc, name_const, help_const, status_const] = &p.consts;
    let const_error = {
        let message = format_escape(&const_message);
        quote!(::core::panic!(#message))
    };
    quote! {
        #[doc = #trait_doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        pub trait #trait_name: #rt::__private::Removed {}

        #[allow(non_snake_case, unused_variables, clippy::too_many_arguments)]
        impl Metrics {
            #[doc(hidden)]
            pub fn #field<'m>(&'m self, #(#signature),*) -> &'m #m_ty
            where
                &'m Self: #trait_name,
            {
                #body
            }

            #bind

            #[doc(hidden)]
            pub fn #family<'m>(&'m self) -> &'m #family_ty
            where
                &'m Self: #trait_name,
            {
                #body
            }

            #[doc(hidden)]
            #[deprecated(note = #const_message)]
            pub const #desc: &'static #rt::MetricDesc = #const_error;
            #[doc(hidden)]
            #[deprecated(note = #const_message)]
            pub const #name_const: &'static str = #const_error;
            #[doc(hidden)]
            #[deprecated(note = #const_message)]
            pub const #help_const: &'static str = #const_error;
            #[doc(hidden)]
            #[deprecated(note = #const_message)]
            pub const #status_const: #rt::lifecycle::Status = #const_error;
        }
    }
}
