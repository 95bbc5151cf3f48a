//! Front matter: any bytes that are UTF-8 go through `split` and `parse`.
//! Either may refuse the input, but only with an error that points inside
//! the file; neither may panic.
#![no_main]

use brief::fuzzing::{parse_front_matter, split_front_matter};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("content/fuzz.md");
    match split_front_matter(path, text) {
        Ok(split) => {
            // The parts are slices of the file at the offsets they claim.
            assert_eq!(
                &text[split.front_offset..][..split.front.len()],
                split.front
            );
            assert_eq!(&text[split.body_offset..], split.body);
            assert!(split.front_offset <= split.body_offset);
            match parse_front_matter(path, text, &split) {
                Ok(front) => {
                    assert!(!front.title.trim().is_empty());
                    if let Some(updated) = front.updated {
                        assert!(updated >= front.date.day);
                    }
                    assert!(front.modified() >= front.date.day);
                }
                Err(e) => drop(e.to_string()),
            }
        }
        Err(e) => drop(e.to_string()),
    }
});
