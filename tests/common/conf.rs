//! How proftpd reads its configuration file, modelled for checking what ftpconf
//! renders: line joining, comments, sections and quoted words.

/// "… on line 42 of '…'" → 42.
pub fn line_number(complaint: &str) -> Option<usize> {
    let rest = complaint.split(" on line ").nth(1)?;
    rest.split_whitespace().next()?.parse().ok()
}

/// What proftpd's parser sees: one entry per directive, section opening or closing.
/// Like proftpd (fsio.c, parser.c): a line ending with a backslash continues on the
/// next one, except a comment line, which is dropped; then blank lines and comments
/// are skipped.
pub fn structure(config: &str) -> Vec<String> {
    let mut logical = Vec::new();
    let mut pending = String::new();
    for line in config.split('\n') {
        if let Some(continued) = line.strip_suffix('\\') {
            if !line.trim_start().starts_with('#') {
                pending.push_str(continued);
            }
            continue;
        }
        pending.push_str(line);
        logical.push(std::mem::take(&mut pending));
    }
    logical.push(pending);
    logical
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (kind, rest) = if let Some(rest) = line.strip_prefix("</") {
                ("close", rest)
            } else if let Some(rest) = line.strip_prefix('<') {
                ("open", rest)
            } else {
                ("directive", line)
            };
            let name = rest.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or("");
            format!("{kind} {}", name.to_ascii_lowercase())
        })
        .collect()
}

/// The words of a directive line as proftpd splits them: whitespace separates words;
/// a word opening with a double quote runs to the next unescaped double quote, and
/// inside it a backslash takes the next character literally.
pub fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = line.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        if c == '"' {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => word.extend(chars.next()),
                    '"' => break,
                    c => word.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        words.push(word);
    }
    words
}

/// The arguments of the one line starting with `start` (e.g. "<Anonymous ").
pub fn arguments_of(config: &str, start: &str) -> Vec<String> {
    let lines: Vec<&str> = config.lines().filter(|l| l.trim_start().starts_with(start)).collect();
    assert_eq!(lines.len(), 1, "{start:?} lines: {lines:?}");
    let line = lines[0].trim();
    let line = if start.starts_with('<') {
        line.strip_prefix('<').and_then(|l| l.strip_suffix('>')).expect("a section line")
    } else {
        line
    };
    words(line).into_iter().skip(1).collect()
}
