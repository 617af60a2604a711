//! The tera templates (`templates/`), compiled into the binary so that it runs from any folder.

use rust_embed::RustEmbed;
use tera::Tera;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct Files;

/// Loads every template. HTML templates are auto-escaped (tera's default for `.html`).
pub fn load() -> anyhow::Result<Tera> {
    let mut tera = Tera::default();
    tera.register_filter("number", crate::web::i18n::number_filter);
    let mut sources = Vec::new();
    for name in Files::iter() {
        let file = Files::get(&name).expect("listed file exists");
        let text = String::from_utf8(file.data.into_owned())
            .map_err(|_| anyhow::anyhow!("template {name} is not UTF-8"))?;
        sources.push((name.into_owned(), text));
    }
    tera.add_raw_templates(sources)
        .map_err(|e| anyhow::anyhow!("a template does not compile: {e:?}"))?;
    Ok(tera)
}
