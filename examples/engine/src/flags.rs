//! Range checks of the command-line flags of `engine` and `loadgen`, as clap value parsers:
//! an out-of-range value is refused when the arguments are parsed, with the accepted range,
//! instead of wrapping through a cast or panicking later (`--max-model-len
//! 18446744073709551615` once made every request fail with "between 1 and -6").

use std::ops::RangeInclusive;

use clap::builder::RangedU64ValueParser;

/// The largest context length, KV-cache size or token budget accepted (2^24 tokens or
/// blocks): far above any real model, small enough for every count to fit in `u32`.
pub const MAX_TOKENS: u64 = 1 << 24;

/// An integer flag of type `T` that must lie in `range`.
pub fn int<T>(range: RangeInclusive<u64>) -> RangedU64ValueParser<T>
where
    T: TryFrom<u64> + Clone + Send + Sync + 'static,
    <T as TryFrom<u64>>::Error: std::error::Error + Send + Sync + 'static,
{
    RangedU64ValueParser::<T>::new().range(range)
}

/// A fraction: a number from 0 to 1 (`--kv-transfer-rate`).
pub fn fraction(text: &str) -> Result<f64, String> {
    float(text, 0.0..=1.0)
}

/// A time scale: a number from 0 to 1,000 (`--time-scale`; larger ones would overflow the
/// simulated durations).
pub fn time_scale(text: &str) -> Result<f64, String> {
    float(text, 0.0..=1_000.0)
}

/// A timeout in seconds: above 0 and at most a day (`--timeout`).
pub fn timeout_seconds(text: &str) -> Result<f64, String> {
    let seconds = float(text, 0.0..=86_400.0)?;
    if seconds == 0.0 {
        return Err("must be above 0".to_owned());
    }
    Ok(seconds)
}

/// A finite number in `range`.
fn float(text: &str, range: RangeInclusive<f64>) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if !range.contains(&value) {
        return Err(format!(
            "must be between {} and {}",
            range.start(),
            range.end()
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_checked() {
        assert_eq!(fraction("0.25"), Ok(0.25));
        assert_eq!(fraction("1"), Ok(1.0));
        for bad in ["-0.1", "1.5", "NaN", "inf", "x", ""] {
            assert!(fraction(bad).is_err(), "{bad}");
        }
        assert_eq!(time_scale("0"), Ok(0.0));
        assert!(time_scale("1e300").is_err());
        assert_eq!(timeout_seconds("60"), Ok(60.0));
        for bad in ["0", "-1", "1e300", "inf", "NaN"] {
            assert!(timeout_seconds(bad).is_err(), "{bad}");
        }
    }
}
