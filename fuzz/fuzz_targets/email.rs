//! Fuzzes e-mail intake: mbox detection and splitting, message parsing and the
//! `Update:`/`Renew:` reference search, on any bytes. Only public functions are called.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_intake::email::{Message, find_reference, is_mbox, parse_message, split_mbox};

/// parse_message catches panics from mail-parser on purpose: mail-parser checks its own state
/// with debug assertions, which fuzz builds enable, and the portal answers such a message with
/// an error instead. libFuzzer's panic hook would abort before that catch, so this hook lets
/// panics raised inside mail-parser unwind to it; any other panic still aborts, as a finding.
fn let_mail_parser_panics_unwind() {
    let abort_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_mail_parser = info
            .location()
            .is_some_and(|place| place.file().contains("mail-parser"));
        if in_mail_parser {
            eprintln!("(mail-parser panicked, for parse_message to catch) {info}");
        } else {
            abort_hook(info);
        }
    }));
}

/// Reads one raw message and looks for a reference in what it gave, as the import does.
fn read(raw: &[u8]) {
    if let Ok(Message { subject, texts, .. }) = parse_message(raw) {
        let _ = find_reference(&subject, &texts);
    }
}

fuzz_target!(init: let_mail_parser_panics_unwind(), |data: &[u8]| {
    // The whole input as one message (an .eml file), then, when it looks like a mailbox, each
    // message in it. The splitter runs on every input, since it must cope with any bytes too.
    read(data);
    let messages = split_mbox(data);
    if is_mbox(data) {
        for raw in &messages {
            read(raw);
        }
    }
});
