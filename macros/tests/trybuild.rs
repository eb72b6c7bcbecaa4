//! Compile-pass and compile-fail tests of `catalogue!`, with the compiler's messages
//! checked against `ui/fail/*.stderr`. One trybuild run, small fixture catalogues.

#[test]
fn ui() {
    // trybuild compiles the test files from a generated crate under target/, whose
    // CARGO_MANIFEST_DIR is not this one: point the macro's relative paths back here.
    // SAFETY: this test binary has this one test, so no other thread reads the
    // environment while it is changed.
    unsafe { std::env::set_var("METRICS_SCHEMA_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR")) };
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
