//! uniffi copies every doc comment of the exported API into `/** ... */` blocks of the
//! generated Kotlin and Swift, and both languages nest block comments: a `/*` or `*/` inside a
//! Rust doc comment comments out the rest of the generated file (it broke the Kotlin and Swift
//! builds twice). This finds one before the bindings do.

#[test]
fn no_doc_comment_opens_or_closes_a_block_comment() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&src).expect("core/src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a readable source file");
        for (number, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            let is_doc = trimmed.starts_with("///") || trimmed.starts_with("//!");
            if is_doc && (trimmed.contains("/*") || trimmed.contains("*/")) {
                found.push(format!("{}:{}: {}", path.display(), number + 1, trimmed));
            }
        }
    }
    assert!(
        found.is_empty(),
        "doc comments with `/*` or `*/` (write `dir/` instead of `dir/*.json`):\n{}",
        found.join("\n")
    );
}
