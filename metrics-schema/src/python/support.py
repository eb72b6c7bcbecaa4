# ---------------------------------------------------------------------------------------
# Support code, the same in every generated module.
# ---------------------------------------------------------------------------------------

_W = _t.TypeVar("_W")
_F = _t.TypeVar("_F", bound=_t.Callable[..., _t.Any])

_RELEASE = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?")


def _debug(value: str) -> str:
    """``value`` quoted as Rust's ``{:?}`` quotes it, so that messages read as on the Rust side."""
    out = ['"']
    for c in value:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif c == "\0":
            out.append("\\0")
        elif c.isprintable():
            out.append(c)
        else:
            out.append("\\u{%x}" % ord(c))
    out.append('"')
    return "".join(out)


def _check_show_hidden(value: object) -> None:
    """Accepts the one valid show-hidden value (``SHOW_HIDDEN_VALUE``, or its ``X.Y.0``
    spelling); raises ``ValueError`` naming it for any other."""
    if not isinstance(value, str):
        raise TypeError(
            "show_hidden must be a str such as %r, or None; got %s"
            % (SHOW_HIDDEN_VALUE, type(value).__name__)
        )
    match = _RELEASE.fullmatch(value)
    if _SHOW_HIDDEN_RELEASE is not None and match is not None:
        given = (int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
        if given == _SHOW_HIDDEN_RELEASE:
            return
    raise ValueError(_SHOW_HIDDEN_ERROR.replace("@VALUE@", _debug(value)))


_WARNED: _t.Set[str] = set()
_WARNED_LOCK = threading.Lock()


def _warn_once(key: str, message: str) -> None:
    """A ``DeprecationWarning`` at the caller of a metric attribute, once per process."""
    with _WARNED_LOCK:
        if key in _WARNED:
            return
        _WARNED.add(key)
    warnings.warn(message, DeprecationWarning, stacklevel=3)


class _Labels:
    """The label rules of one metric: arity, closed values, and the bound of open labels
    (values past ``max_values`` go to the overflow series, whose open labels are all
    ``OVERFLOW_VALUE``, and are counted), as the Rust runtime applies them."""

    def __init__(
        self,
        metric: str,
        names: _t.Tuple[str, ...],
        closed: _t.Tuple[_t.Optional[_t.Type[enum.Enum]], ...],
        max_values: _t.Tuple[_t.Optional[int], ...],
    ) -> None:
        self.metric = metric
        self.names = names
        self._closed = closed
        self._allowed: _t.Tuple[_t.Optional[_t.FrozenSet[str]], ...] = tuple(
            None if c is None else frozenset(str(m.value) for m in c) for c in closed
        )
        self._open = tuple(i for i, c in enumerate(closed) if c is None)
        self._max = tuple(max_values[i] for i in self._open)
        self._seen: _t.Tuple[_t.Set[str], ...] = tuple(set() for _ in self._open)
        self._rows: _t.Set[_t.Tuple[str, ...]] = set()
        self._lock = threading.Lock()
        self.overflows = 0
        self._open_names = tuple(names[i] for i in self._open)
        self.on_overflow: _t.Optional[_t.Callable[[str], None]] = None
        """Called with the label's name for each bounded open label that overflowed."""

    def bounded_open_labels(self) -> _t.Tuple[str, ...]:
        """The open labels with a ``max_values``: those the overflow counter reports."""
        return tuple(n for n, m in zip(self._open_names, self._max) if m is not None)

    def bind(self, values: _t.Tuple[object, ...], named: _t.Mapping[str, object]) -> _t.Tuple[object, ...]:
        """Positional or keyword label values, in catalogue order."""
        if values and named:
            raise TypeError("%s: pass label values by position or by name, not both" % self.metric)
        if named:
            if set(named) != set(self.names):
                raise TypeError(
                    "%s: labels are %s, got %s"
                    % (self.metric, ", ".join(self.names), ", ".join(sorted(named)))
                )
            return tuple(named[n] for n in self.names)
        if len(values) != len(self.names):
            raise TypeError(
                "%s: takes %d label value(s) (%s), got %d"
                % (self.metric, len(self.names), ", ".join(self.names), len(values))
            )
        return values

    def check(self, values: _t.Tuple[object, ...]) -> _t.List[str]:
        """The label values as strings; ``ValueError`` for an undeclared closed value."""
        out: _t.List[str] = []
        for name, kind, allowed, value in zip(self.names, self._closed, self._allowed, values):
            if kind is None or allowed is None:
                out.append(str(value.value) if isinstance(value, enum.Enum) else str(value))
            elif isinstance(value, kind):
                out.append(str(value.value))
            elif isinstance(value, str) and not isinstance(value, enum.Enum) and value in allowed:
                out.append(value)
            else:
                raise ValueError(
                    "%s: %r is not a value of the closed label %r; expected %s.<member> or one of %s"
                    % (
                        self.metric,
                        value,
                        name,
                        kind.__name__,
                        ", ".join(repr(str(m.value)) for m in kind),
                    )
                )
        return out

    def values(self, values: _t.Tuple[object, ...]) -> _t.Tuple[str, ...]:
        """Checked values, with open values past their bound replaced by the overflow value."""
        out = self.check(values)
        if self._open:
            key = tuple(out[i] for i in self._open)
            if key not in self._rows:
                key = self._admit(key)
                for i, v in zip(self._open, key):
                    out[i] = v
        return tuple(out)

    def _admit(self, key: _t.Tuple[str, ...]) -> _t.Tuple[str, ...]:
        with self._lock:
            if key in self._rows or all(v == OVERFLOW_VALUE for v in key):
                return key
            full = [
                name
                for name, seen, limit, v in zip(self._open_names, self._seen, self._max, key)
                if limit is not None and v not in seen and len(seen) >= limit
            ]
            if full:
                self.overflows += 1
                if self.on_overflow is not None:
                    for name in full:
                        self.on_overflow(name)
                return (OVERFLOW_VALUE,) * len(key)
            for seen, v in zip(self._seen, key):
                seen.add(v)
            self._rows.add(key)
            return key


class _Counter(prometheus_client.Counter):
    _schema: _Labels

    def _child(self, values: _t.Tuple[object, ...]) -> prometheus_client.Counter:
        return super().labels(*self._schema.values(values))


class _Gauge(prometheus_client.Gauge):
    _schema: _Labels

    def _child(self, values: _t.Tuple[object, ...]) -> prometheus_client.Gauge:
        return super().labels(*self._schema.values(values))


class _Histogram(prometheus_client.Histogram):
    _schema: _Labels

    def _child(self, values: _t.Tuple[object, ...]) -> prometheus_client.Histogram:
        return super().labels(*self._schema.values(values))


class _Info(prometheus_client.Info):
    _schema: _Labels

    def _child(self, values: _t.Tuple[object, ...]) -> prometheus_client.Info:
        return super().labels(*self._schema.values(values))


class _Timer:
    """What a stand-in's ``time()`` returns: a context manager and decorator doing nothing."""

    def __enter__(self) -> "_Timer":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __call__(self, f: _F) -> _F:
        return f


class _StandIn:
    """The stand-in of a hidden (not re-enabled) or disabled metric: it has the metric's
    interface, checks label values as the metric would, and records nothing."""

    def __init__(self, labels: _Labels) -> None:
        self._schema = labels

    def labels(self, *values: object, **named: object) -> "_StandIn":
        self._schema.check(self._schema.bind(values, named))
        return self

    def inc(self, amount: float = 1, exemplar: _t.Optional[_t.Dict[str, str]] = None) -> None:
        return None

    def dec(self, amount: float = 1) -> None:
        return None

    def set(self, value: float) -> None:
        return None

    def set_to_current_time(self) -> None:
        return None

    def set_function(self, f: _t.Callable[[], float]) -> None:
        return None

    def observe(self, amount: float, exemplar: _t.Optional[_t.Dict[str, str]] = None) -> None:
        return None

    def info(self, val: _t.Dict[str, str]) -> None:
        return None

    def time(self) -> _Timer:
        return _Timer()

    def track_inprogress(self) -> _Timer:
        return _Timer()

    def count_exceptions(self, exception: _t.Any = Exception) -> _Timer:
        return _Timer()

    def remove(self, *labelvalues: object) -> None:
        return None

    def clear(self) -> None:
        return None

    def collect(self) -> _t.List[_t.Any]:
        return []

    def describe(self) -> _t.List[_t.Any]:
        return []


def _make(
    cls: _t.Callable[..., _W],
    labels: _Labels,
    live: bool,
    help: str,
    registry: _t.Optional[prometheus_client.CollectorRegistry],
    **kwargs: _t.Any,
) -> _W:
    """The metric, registered in ``registry``; its stand-in when not ``live``."""
    if not live:
        return _t.cast(_W, _StandIn(labels))
    metric = cls(labels.metric, help, labelnames=labels.names, registry=registry, **kwargs)
    setattr(metric, "_schema", labels)
    return metric


def _label_overflows(
    name: str,
    help: str,
    registry: _t.Optional[prometheus_client.CollectorRegistry],
    schemas: _t.Sequence[_t.Tuple[_Labels, bool]],
) -> prometheus_client.Counter:
    """The label-overflow counter ``name``: one series per bounded open label of every
    live metric, 0 from the start, counted when a lookup of that metric goes to its
    overflow series because of that label (as the Rust runtime's ``LabelOverflows``)."""
    counter = prometheus_client.Counter(name, help, labelnames=("metric", "label"), registry=registry)
    for schema, live in schemas:
        if not live:
            continue
        labels = schema.bounded_open_labels()
        for label in labels:
            counter.labels(schema.metric, label).inc(0)
        if labels:
            metric = schema.metric
            schema.on_overflow = lambda label, metric=metric: counter.labels(metric, label).inc()
    return counter


def _limit(overrides: _t.Mapping[str, int], label: str, default: _t.Optional[int]) -> _t.Optional[int]:
    return overrides.get(label, default)


def _options(
    disabled: _t.Iterable[str],
    max_values: _t.Optional[_t.Mapping[str, int]],
    buckets: _t.Optional[_t.Mapping[str, _t.Sequence[float]]],
) -> _t.Tuple[_t.FrozenSet[str], _t.Mapping[str, int], _t.Mapping[str, _t.Tuple[float, ...]]]:
    """Checks the run-time options against the catalogue: unknown names are errors."""
    if isinstance(disabled, str):
        raise TypeError("disabled must be a collection of metric names, not a str")
    off = set()
    for name in disabled:
        local = _LOCAL_NAMES.get(name)
        if local is None:
            raise ValueError("disabled: %r is not a metric of the catalogue" % (name,))
        off.add(local)
    limits = dict(max_values or {})
    for label, limit in limits.items():
        if label not in _OPEN_LABELS:
            raise ValueError(
                "max_values: %r is not an open label of the catalogue (open labels: %s)"
                % (label, ", ".join(sorted(_OPEN_LABELS)) or "none")
            )
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError("max_values: the bound of %r must be an int >= 1, got %r" % (label, limit))
    bounds = {name: tuple(float(b) for b in given) for name, given in (buckets or {}).items()}
    for name in bounds:
        if name not in _RUNTIME_BUCKETS:
            raise ValueError(
                "buckets: %r is not a histogram with buckets = \"runtime\" (those are: %s)"
                % (name, ", ".join(_RUNTIME_BUCKETS) or "none")
            )
    for name in _RUNTIME_BUCKETS:
        if name not in bounds and _LOCAL_NAMES[name] not in off:
            raise ValueError(
                "metric %s takes its buckets at run time: supply them with "
                "Metrics(buckets={%r: [...]})" % (_debug(name), name)
            )
    return frozenset(off), limits, bounds


# ---------------------------------------------------------------------------------------
# The catalogue.
# ---------------------------------------------------------------------------------------
