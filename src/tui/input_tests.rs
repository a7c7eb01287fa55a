use super::*;

fn events(chunks: &[&[u8]]) -> Vec<Event> {
    let mut parser = Parser::default();
    let now = Instant::now();
    let mut out = Vec::new();
    for chunk in chunks {
        parser.feed(chunk, now);
        while let Some(e) = parser.next_event() {
            out.push(e);
        }
    }
    out
}

fn k(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn keys_as_terminals_send_them() {
    let got = events(&[b"a\r\t\x7f\x13\x1b[A\x1bOB\x1b[5~\x1b[Z\x1b[1;5C\xc3\xa9G"]);
    assert_eq!(got[0], k(KeyCode::Char('a')));
    assert_eq!(got[1], k(KeyCode::Enter));
    assert_eq!(got[2], k(KeyCode::Tab));
    assert_eq!(got[3], k(KeyCode::Backspace));
    assert_eq!(got[4], Event::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    assert_eq!(got[5], k(KeyCode::Up));
    assert_eq!(got[6], k(KeyCode::Down));
    assert_eq!(got[7], k(KeyCode::PageUp));
    assert_eq!(got[8], Event::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    assert_eq!(got[9], Event::Key(KeyEvent::new(KeyCode::Right, KeyModifiers::CONTROL)));
    assert_eq!(got[10], k(KeyCode::Char('é')));
    assert_eq!(got[11], Event::Key(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)));
    assert_eq!(got.len(), 12);
}

#[test]
fn a_lone_esc_is_the_esc_key_and_a_split_sequence_waits_for_its_end() {
    assert_eq!(events(&[b"\x1b"]), vec![k(KeyCode::Esc)]);
    assert_eq!(events(&[b"\x1b[1", b"5~"]), vec![k(KeyCode::F(5))]);
    assert_eq!(events(&[b"\xc3", b"\xa9"]), vec![k(KeyCode::Char('é'))]);
}

#[test]
fn a_paste_is_one_event_whatever_it_holds() {
    let got = events(&[b"\x1b[200~10.0.0.1\tsa\x1b[20", b"1~q"]);
    assert_eq!(got, vec![Event::Paste("10.0.0.1\tsa".into()), k(KeyCode::Char('q'))]);
}

#[test]
fn an_unterminated_paste_ends_when_it_goes_silent() {
    let mut parser = Parser::default();
    let start = Instant::now();
    parser.feed(b"\x1b[200~abc", start);
    assert_eq!(parser.next_event(), None, "still pasting");
    assert_eq!(parser.wake_at(), Some(start + PASTE_GAP));
    parser.expire(start + PASTE_GAP);
    assert_eq!(parser.next_event(), None, "a paste that never ended is not text");
    assert_eq!(parser.take_broken(), Some(3));
    assert_eq!(parser.take_broken(), None, "said once");
    // Keys after the silence are keys again.
    parser.feed(b"\x03", start + PASTE_GAP * 2);
    let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(parser.next_event(), Some(ctrl_c));
    // Even when they come before anything noticed the silence.
    parser.feed(b"\x1b[200~x", start);
    parser.feed(b"\x1b", start + PASTE_GAP * 2);
    assert_eq!(parser.take_broken(), Some(1));
    assert_eq!(parser.next_event(), Some(k(KeyCode::Esc)));
}

#[test]
fn the_mouse_wheel_and_unknown_sequences() {
    let got = events(&[b"\x1b[<65;10;5M\x1b[<0;1;1M\x1b[99xz"]);
    assert!(matches!(got[0], Event::Mouse(MouseEvent { kind: MouseEventKind::ScrollDown, .. })));
    assert_eq!(got[1], k(KeyCode::Char('z')));
    assert_eq!(got.len(), 2);
}
