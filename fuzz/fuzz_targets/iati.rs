//! Fuzzes the IATI activity reader: any bytes must give activities, refused activities with
//! reasons, or an error naming the file problem, never a panic. Only public functions are called.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_intake::iati::{looks_like_iati, parse_file};

fuzz_target!(|data: &[u8]| {
    let _ = looks_like_iati(data);
    if let Ok(activities) = parse_file(data) {
        // A refused activity is shown to the ISU through Display; that must not panic either.
        for problem in activities.into_iter().filter_map(Result::err) {
            let _ = problem.to_string();
        }
    }
});
