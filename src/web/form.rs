//! Reading an HTML form body strictly: the right content type, a size limit
//! checked before and while reading, and UTF-8 both in the raw bytes and
//! after percent-decoding. A problem becomes a [`FormError`] that the handler
//! shows on the page the form came from, never a bare error.
//!
//! Also what a question's form means: which fields are its answer
//! ([`entered`]), and how an answer the domain refused is shown and with
//! which status ([`answer_error`]): 400 for what no browser sends, 422 for
//! what a person can fix.

use actix_web::HttpRequest;
use actix_web::http::{StatusCode, header};
use actix_web::web;
use futures_util::StreamExt;

use crate::domain::{AnswerError, Entered, Question, QuestionKind};
use crate::fields;
use crate::views::FieldError;

/// A posted form: its fields in order, repeated names kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form(Vec<(String, String)>);

impl Form {
    /// Every field as `(name, value)`.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// The CSRF token the form carries, if any.
    pub fn csrf(&self) -> Option<&str> {
        self.get(fields::CSRF)
    }

    /// Whether a bot filled in the honeypot field.
    pub fn filled_honeypot(&self) -> bool {
        self.get(fields::HONEYPOT).is_some_and(|v| !v.is_empty())
    }
}

/// Picks `question`'s fields out of a posted form: the chosen options (each
/// once, in the order sent) and the "please specify" texts of options that
/// have a box; for a text question, the text.
pub fn entered(question: &Question, form: &Form) -> Entered {
    let mut entered = Entered::default();
    if matches!(question.kind(), QuestionKind::Text { .. }) {
        entered.text = form.get(fields::ANSWER).unwrap_or_default().to_owned();
        return entered;
    }
    for (name, value) in form.fields() {
        if name == fields::ANSWER {
            if !value.is_empty() && !entered.chosen.iter().any(|c| c == value) {
                entered.chosen.push(value.to_owned());
            }
        } else if let Some(option) = fields::specified_option(name)
            && question
                .option(option)
                .is_some_and(|o| o.specify().is_some())
        {
            entered.specify.insert(option.to_owned(), value.to_owned());
        }
    }
    entered
}

/// How a refused answer is shown: at the input it concerns, with 400 when no
/// browser could have sent it (an option that is not offered, two radios)
/// and 422 when a person can fix it.
pub fn answer_error(error: &AnswerError) -> (StatusCode, FieldError) {
    let status = match error {
        AnswerError::NotAnOption | AnswerError::MoreThanOne => StatusCode::BAD_REQUEST,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let field = error.specify_box().map_or_else(
        || fields::ANSWER.to_owned(),
        |o| fields::specify(o.as_str()),
    );
    (
        status,
        FieldError {
            field,
            message: error.message(),
        },
    )
}

/// Why a body could not be read as a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormError {
    /// Larger than the configured limit: 413.
    TooLarge { limit: usize },
    /// Not `application/x-www-form-urlencoded` (in UTF-8): 415.
    WrongContentType,
    /// Bytes that are not UTF-8, raw or percent-encoded: 400.
    NotUtf8,
    /// The connection failed while the body was read: 400.
    Unreadable,
}

impl FormError {
    pub fn status(self) -> StatusCode {
        match self {
            FormError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            FormError::WrongContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            FormError::NotUtf8 | FormError::Unreadable => StatusCode::BAD_REQUEST,
        }
    }

    /// What the resident is told, next to the field.
    pub fn message(self) -> String {
        match self {
            FormError::TooLarge { limit } => format!(
                "Your answer was too long to accept (more than {} KB). Shorten what you typed and try again",
                limit.div_ceil(1024)
            ),
            FormError::WrongContentType | FormError::NotUtf8 | FormError::Unreadable => {
                "Your answer could not be read. Check your answer and try again".to_owned()
            }
        }
    }
}

/// An officer's posted form, read within the service's size limit and
/// carrying the session's CSRF token; otherwise the status and the message
/// for the page's error summary ("nothing was changed").
pub async fn read_officer_form(
    state: &super::AppState,
    req: &HttpRequest,
    who: &super::auth::SignedIn,
    payload: web::Payload,
) -> Result<Form, (StatusCode, String)> {
    let form = read_form(req, payload, state.max_form_bytes)
        .await
        .map_err(|e| (e.status(), e.message()))?;
    if !who.form_has_session_token(&state.csrf, &form) {
        return Err((
            StatusCode::FORBIDDEN,
            "This page had expired, so nothing was changed. Try again".to_owned(),
        ));
    }
    Ok(form)
}

/// Reads and decodes a urlencoded form of at most `limit` bytes.
pub async fn read_form(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<Form, FormError> {
    check_content_type(req)?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(FormError::TooLarge { limit });
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| FormError::Unreadable)?;
        if body.len() + chunk.len() > limit {
            return Err(FormError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    parse_urlencoded(&body)
}

fn check_content_type(req: &HttpRequest) -> Result<(), FormError> {
    let value = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or(FormError::WrongContentType)?;
    let mut parts = value.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default();
    if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(FormError::WrongContentType);
    }
    for parameter in parts {
        if let Some((name, charset)) = parameter.split_once('=')
            && name.trim().eq_ignore_ascii_case("charset")
            && !charset
                .trim()
                .trim_matches('"')
                .eq_ignore_ascii_case("utf-8")
        {
            return Err(FormError::WrongContentType);
        }
    }
    Ok(())
}

/// Decodes `application/x-www-form-urlencoded` bytes, refusing anything that
/// is not UTF-8 instead of replacing it with U+FFFD as `form_urlencoded::parse`
/// would: a resident's text is stored as typed or not at all.
pub fn parse_urlencoded(body: &[u8]) -> Result<Form, FormError> {
    let text = std::str::from_utf8(body).map_err(|_| FormError::NotUtf8)?;
    let mut fields = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        fields.push((decode(name)?, decode(value)?));
    }
    Ok(Form(fields))
}

fn decode(component: &str) -> Result<String, FormError> {
    let plus_as_space: Vec<u8> = component
        .bytes()
        .map(|b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&plus_as_space)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| FormError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SurveyDefinition;

    /// The shipped 2019 survey.
    fn survey() -> SurveyDefinition {
        let file =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/surveys/csp-2019.toml");
        SurveyDefinition::load_file(&file).expect("csp-2019 is valid")
    }

    #[test]
    fn form_fields_are_picked_for_the_question_and_deduplicated() {
        let def = survey();
        let q = def.question("asb-concerns").expect("question");
        let form = parse_urlencoded(
            b"csrf=t&answer=drugs&answer=drugs&answer=other&specify-other=Bins&specify-drugs=no+box",
        )
        .expect("valid");
        let e = entered(q, &form);
        assert_eq!(e.chosen, ["drugs", "other"]);
        assert_eq!(e.specify.len(), 1);
        assert_eq!(e.specify.get("other").map(String::as_str), Some("Bins"));
    }

    #[test]
    fn what_no_browser_sends_is_a_400_and_what_a_person_can_fix_a_422() {
        let def = survey();
        let (where_, detail) = (
            def.question("borough").expect("q"),
            def.question("asb-concerns").expect("q"),
        );
        let refused = |q: &Question, body: &[u8]| {
            let form = parse_urlencoded(body).expect("valid");
            crate::domain::Answer::parse(q, &entered(q, &form)).expect_err("refused")
        };
        let (status, error) = answer_error(&refused(where_, b"answer=nope"));
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error.field, "answer");
        let (status, _) = answer_error(&refused(where_, b"answer=dartford&answer=gravesham"));
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, error) = answer_error(&refused(where_, b""));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            error,
            FieldError {
                field: "answer".to_owned(),
                message: "Select Dartford or Gravesham".to_owned()
            }
        );
        let (status, _) = answer_error(&refused(
            detail,
            b"answer=drugs&answer=graffiti&answer=fly-tipping&answer=street-drinking",
        ));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, error) = answer_error(&refused(detail, b"answer=other&specify-other=%07"));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error.field, "specify-other");
    }

    #[test]
    fn fields_decode_with_repeats_kept() {
        let form = parse_urlencoded(b"answer=a&answer=b&specify-other=Fly+tipping+%26+bins&csrf=")
            .expect("valid");
        let fields: Vec<_> = form.fields().collect();
        assert_eq!(
            fields,
            [
                ("answer", "a"),
                ("answer", "b"),
                ("specify-other", "Fly tipping & bins"),
                ("csrf", "")
            ]
        );
        assert_eq!(form.get("answer"), Some("a"));
    }

    #[test]
    fn non_utf8_is_refused_raw_or_percent_encoded() {
        assert_eq!(parse_urlencoded(b"answer=\xff"), Err(FormError::NotUtf8));
        assert_eq!(parse_urlencoded(b"answer=%FF"), Err(FormError::NotUtf8));
        assert_eq!(
            parse_urlencoded(b"answer=%C3%A9").expect("é").get("answer"),
            Some("é")
        );
    }

    #[test]
    fn stray_percent_signs_are_kept_literally() {
        let form = parse_urlencoded(b"a=100%&b=%zz&c=%4").expect("valid");
        assert_eq!(form.get("a"), Some("100%"));
        assert_eq!(form.get("b"), Some("%zz"));
        assert_eq!(form.get("c"), Some("%4"));
    }
}

/// A posted `multipart/form-data` form: its text fields, and the bytes of
/// the one file field it is read for (empty when no file was chosen).
#[derive(Debug)]
pub struct Upload {
    pub form: Form,
    pub file: Vec<u8>,
    /// The name the browser gave the file, if any.
    pub file_name: Option<String>,
}

/// Why an upload could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadError {
    /// Larger than the limit: 413.
    TooLarge { limit: usize },
    /// Not `multipart/form-data`, or malformed: 400.
    Malformed,
    /// A text field that is not UTF-8: 400.
    NotUtf8,
}

impl UploadError {
    pub fn status(self) -> StatusCode {
        match self {
            UploadError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            UploadError::Malformed | UploadError::NotUtf8 => StatusCode::BAD_REQUEST,
        }
    }

    /// What the officer is told, at the file field.
    pub fn message(self) -> String {
        match self {
            UploadError::TooLarge { limit } => format!(
                "The file is larger than {} KB, too large for a survey definition. Choose the definition file (.toml) and upload it again",
                limit.div_ceil(1024)
            ),
            UploadError::Malformed | UploadError::NotUtf8 => {
                "The upload could not be read. Choose the file and upload it again".to_owned()
            }
        }
    }
}

/// Reads a `multipart/form-data` body of at most `limit` bytes in all
/// (checked before and while reading, so a large file is refused without
/// being held): every text field, and the file of the field `file_field`.
/// Parts are read with `actix-multipart`; fields other than `file_field`
/// with a file are refused as malformed.
pub async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
    file_field: &str,
) -> Result<Upload, UploadError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(UploadError::TooLarge { limit });
    }
    let mut parts = actix_multipart::Multipart::new(req.headers(), payload.into_inner());
    let mut read = 0usize;
    let mut fields = Vec::new();
    let mut file = Vec::new();
    let mut file_name = None;
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|_| UploadError::Malformed)?;
        let disposition = part.content_disposition().cloned();
        let name = disposition
            .as_ref()
            .and_then(|d| d.get_name())
            .unwrap_or_default()
            .to_owned();
        let is_file = name == file_field;
        if is_file {
            file_name = disposition
                .as_ref()
                .and_then(|d| d.get_filename())
                .map(str::to_owned);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|_| UploadError::Malformed)?;
            read += chunk.len();
            if read > limit {
                return Err(UploadError::TooLarge { limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            file = bytes;
        } else {
            let value = String::from_utf8(bytes).map_err(|_| UploadError::NotUtf8)?;
            fields.push((name, value));
        }
    }
    Ok(Upload {
        form: Form(fields),
        file,
        file_name,
    })
}
