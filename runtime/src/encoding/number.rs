//! Number formatting as Prometheus' Go clients write it.
//!
//! Integers are decimal (`itoa`). Floats follow Go's `strconv.FormatFloat(f, 'g', -1, 64)`:
//! the shortest digits that round-trip (from `ryu`), in `%e` form when the decimal exponent
//! is below -4 or at least 6 (`1e+06`, `1.5e-07`), `%f` form otherwise (`0.005`, `123456`).
//! The specials are `NaN`, `+Inf` and `-Inf`. OpenMetrics additionally writes a float
//! without `.` or `e` with a trailing `.0` (`1.0`, `0.0`), as client_golang does.

/// Writes `v` in decimal.
#[inline]
pub(crate) fn write_u64(out: &mut Vec<u8>, v: u64) {
    let mut buf = itoa::Buffer::new();
    out.extend_from_slice(buf.format(v).as_bytes());
}

/// Writes `f` the way client_golang does for the text format (`om == false`) or
/// OpenMetrics (`om == true`).
pub(crate) fn write_f64(out: &mut Vec<u8>, f: f64, om: bool) {
    if f.is_nan() {
        out.extend_from_slice(b"NaN");
        return;
    }
    if f.is_infinite() {
        out.extend_from_slice(if f > 0.0 { b"+Inf" } else { b"-Inf" });
        return;
    }
    if f == 0.0 {
        // Go writes both zeros as 0.
        out.extend_from_slice(if om { b"0.0" } else { b"0" });
        return;
    }
    let start = out.len();
    write_go_g(out, f);
    if om && !out[start..].iter().any(|&b| b == b'.' || b == b'e') {
        out.extend_from_slice(b".0");
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)` for a finite non-zero `f`.
fn write_go_g(out: &mut Vec<u8>, f: f64) {
    let mut ryu_buf = ryu::Buffer::new();
    let s = ryu_buf.format_finite(f).as_bytes();
    let (neg, s) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    // Split ryu's output into mantissa and exponent ("1.5e-7", "123.0", "0.001").
    let (mantissa, exp) = match s.iter().position(|&b| b == b'e') {
        Some(i) => (&s[..i], parse_exp(&s[i + 1..])),
        None => (s, 0),
    };
    // Collect the significant digits and the decimal point position: value is
    // 0.d1d2d3... * 10^dp.
    let mut digits = [0u8; 24];
    let mut nd = 0usize;
    let mut point: i32 = 0;
    let mut seen_point = false;
    let mut leading = true;
    for &b in mantissa {
        if b == b'.' {
            seen_point = true;
            continue;
        }
        if leading && b == b'0' {
            if seen_point {
                point -= 1;
            }
            continue;
        }
        leading = false;
        if !seen_point {
            point += 1;
        }
        if nd < digits.len() {
            digits[nd] = b;
            nd += 1;
        }
    }
    while nd > 1 && digits[nd - 1] == b'0' {
        nd -= 1;
    }
    if nd == 0 {
        out.push(b'0');
        return;
    }
    let dp = point + exp;
    let digits = &digits[..nd];
    if neg {
        out.push(b'-');
    }
    let x = dp - 1;
    if !(-4..6).contains(&x) {
        // %e with the shortest digits.
        out.push(digits[0]);
        if nd > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if x < 0 { b'-' } else { b'+' });
        let e = x.unsigned_abs();
        if e < 10 {
            out.push(b'0');
        }
        write_u64(out, u64::from(e));
    } else if dp <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', (-dp) as usize));
        out.extend_from_slice(digits);
    } else {
        let dp = dp as usize;
        if nd <= dp {
            out.extend_from_slice(digits);
            out.extend(std::iter::repeat_n(b'0', dp - nd));
        } else {
            out.extend_from_slice(&digits[..dp]);
            out.push(b'.');
            out.extend_from_slice(&digits[dp..]);
        }
    }
}

fn parse_exp(s: &[u8]) -> i32 {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let v = digits
        .iter()
        .fold(0i32, |acc, &d| acc * 10 + i32::from(d - b'0'));
    if neg { -v } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: f64) -> String {
        let mut out = Vec::new();
        write_f64(&mut out, f, false);
        String::from_utf8(out).unwrap()
    }

    fn om(f: f64) -> String {
        let mut out = Vec::new();
        write_f64(&mut out, f, true);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn matches_go_strconv_g() {
        // Expected strings are Go's strconv.FormatFloat(f, 'g', -1, 64).
        let cases: &[(f64, &str)] = &[
            (1.0, "1"),
            (-1.0, "-1"),
            (0.005, "0.005"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000123, "0.000123"),
            (1.5e-7, "1.5e-07"),
            (100000.0, "100000"),
            (123456.0, "123456"),
            (999999.0, "999999"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (2.5, "2.5"),
            (7680.0, "7680"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
            (-2.5e-300, "-2.5e-300"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (123.456, "123.456"),
            (12345.678, "12345.678"),
            (0.0, "0"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
        ];
        for &(f, want) in cases {
            assert_eq!(text(f), want, "{f:e}");
        }
    }

    #[test]
    fn openmetrics_marks_floats() {
        assert_eq!(om(1.0), "1.0");
        assert_eq!(om(0.0), "0.0");
        assert_eq!(om(-3.0), "-3.0");
        assert_eq!(om(100000.0), "100000.0");
        assert_eq!(om(1e6), "1e+06");
        assert_eq!(om(0.25), "0.25");
        assert_eq!(om(f64::INFINITY), "+Inf");
    }

    #[test]
    fn round_trips() {
        let mut bits = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            bits = bits
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let f = f64::from_bits(bits);
            if !f.is_finite() {
                continue;
            }
            for s in [text(f), om(f)] {
                let back: f64 = s.parse().unwrap();
                assert_eq!(
                    back.to_bits(),
                    if f == 0.0 { 0 } else { f.to_bits() },
                    "{s}"
                );
            }
        }
    }
}
