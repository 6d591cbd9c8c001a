//! Discord's limits, named as Discord's API documentation names them (characters unless
//! said). Views are cut to these, the strictest of the platforms we serve.

/// Embed `title`.
pub const EMBED_TITLE_LENGTH: usize = 256;
/// Embed `description`.
pub const EMBED_DESCRIPTION_LENGTH: usize = 4096;
/// Embed `fields`: up to 25 field objects.
pub const EMBED_FIELD_COUNT: usize = 25;
/// Embed `field.name`.
pub const EMBED_FIELD_NAME_LENGTH: usize = 256;
/// Embed `field.value`.
pub const EMBED_FIELD_VALUE_LENGTH: usize = 1024;
/// Embed `footer.text`.
pub const EMBED_FOOTER_TEXT_LENGTH: usize = 2048;
/// The characters of all title, description, field, footer and author texts together.
pub const EMBED_TOTAL_LENGTH: usize = 6000;
/// Message `content`.
pub const MESSAGE_CONTENT_LENGTH: usize = 2000;
/// Autocomplete: at most 25 choices.
pub const AUTOCOMPLETE_CHOICE_COUNT: usize = 25;
/// Application command option choice `name` and string `value`.
pub const CHOICE_NAME_LENGTH: usize = 100;
/// A component's `custom_id`.
pub const CUSTOM_ID_LENGTH: usize = 100;
