//! The surveys this instance serves: each definition file published as its
//! current frozen version, and older versions read on demand for drafts and
//! responses that were started under them.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, RwLock};

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::db::surveys::{self, Published};
use crate::db::{AnyConnection, DbError};
use crate::domain::control::{self, ControlRecord};
use crate::domain::{Availability, DefinitionErrors, SurveyDefinition, SurveyId, VersionId};

/// A survey as residents now see it.
#[derive(Debug, Clone)]
pub struct CurrentSurvey {
    pub id: SurveyId,
    pub version: VersionId,
    pub version_number: i32,
    pub definition: Arc<SurveyDefinition>,
}

/// Every served survey, by slug.
#[derive(Debug)]
pub struct Catalogue {
    current: BTreeMap<String, CurrentSurvey>,
    versions: RwLock<HashMap<VersionId, Arc<SurveyDefinition>>>,
    default: Option<String>,
    /// Administrators' decisions to open or close surveys now, as last read
    /// from the database (every second, and at once by the instance that
    /// records one), so checking them costs a request no query.
    controls: RwLock<HashMap<SurveyId, ControlRecord>>,
    /// Held from reading the decisions to storing them, so a slow poll that
    /// read before a new decision cannot overwrite it afterwards.
    refreshing: std::sync::Mutex<()>,
}

/// Reads and checks every `*.toml` file in `dir`, in name order. All
/// problems of all files are reported together; two files may not share a slug.
pub fn load_definitions(dir: &Path) -> anyhow::Result<Vec<SurveyDefinition>> {
    let entries = std::fs::read_dir(dir).with_context(|| {
        format!(
            "cannot read the survey definitions folder {} (set SURVEYS_DIR, or run from the folder that holds assets/)",
            dir.display()
        )
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        anyhow::bail!("no survey definitions (*.toml) in {}", dir.display());
    }
    let mut definitions: Vec<SurveyDefinition> = Vec::new();
    let mut errors: Vec<DefinitionErrors> = Vec::new();
    for path in &paths {
        match SurveyDefinition::load_file(path) {
            Ok(def) => {
                if definitions.iter().any(|d| d.slug() == def.slug()) {
                    errors.push(DefinitionErrors {
                        source: path.display().to_string(),
                        problems: vec![format!(
                            "slug {:?} is already used by another file",
                            def.slug().as_str()
                        )],
                    });
                } else {
                    definitions.push(def);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::bail!("invalid survey definitions:\n{}", all.join("\n"));
    }
    Ok(definitions)
}

impl Catalogue {
    /// Publishes each definition (storing a new frozen version only when the
    /// file changed) and serves the current versions.
    pub fn publish(
        conn: &mut AnyConnection,
        definitions: Vec<SurveyDefinition>,
        default: Option<String>,
    ) -> anyhow::Result<Self> {
        let mut current = BTreeMap::new();
        let mut versions = HashMap::new();
        for definition in definitions {
            let Published {
                survey,
                version_id,
                version,
                is_new,
            } = surveys::publish(conn, &definition)
                .with_context(|| format!("cannot publish survey {}", definition.slug()))?;
            if is_new {
                tracing::info!(survey = %definition.slug(), version, "published a new survey version");
            }
            let definition = Arc::new(definition);
            versions.insert(version_id, Arc::clone(&definition));
            current.insert(
                definition.slug().to_string(),
                CurrentSurvey {
                    id: survey,
                    version: version_id,
                    version_number: version,
                    definition,
                },
            );
        }
        if let Some(slug) = &default
            && !current.contains_key(slug)
        {
            anyhow::bail!("DEFAULT_SURVEY is {slug:?}, but no survey definition has that slug");
        }
        let catalogue = Catalogue {
            current,
            versions: RwLock::new(versions),
            default,
            controls: RwLock::default(),
            refreshing: std::sync::Mutex::default(),
        };
        catalogue
            .refresh_controls(conn)
            .context("cannot read the surveys' open or closed state")?;
        Ok(catalogue)
    }

    /// The current version of the survey with this slug.
    pub fn current(&self, slug: &str) -> Option<&CurrentSurvey> {
        self.current.get(slug)
    }

    /// All surveys, by slug.
    pub fn all(&self) -> impl Iterator<Item = &CurrentSurvey> {
        self.current.values()
    }

    /// The survey shown at `/`: the configured one, or the only one.
    pub fn default_survey(&self) -> Option<&CurrentSurvey> {
        match &self.default {
            Some(slug) => self.current.get(slug),
            None if self.current.len() == 1 => self.current.values().next(),
            None => None,
        }
    }

    /// A version's definition, read from the database the first time.
    pub fn version(
        &self,
        conn: &mut AnyConnection,
        version: VersionId,
    ) -> Result<Option<Arc<SurveyDefinition>>, DbError> {
        if let Some(def) = self
            .versions
            .read()
            .ok()
            .and_then(|v| v.get(&version).cloned())
        {
            return Ok(Some(def));
        }
        let Some((_, _, def)) = surveys::find_version(conn, version)? else {
            return Ok(None);
        };
        let def = Arc::new(def);
        if let Ok(mut cache) = self.versions.write() {
            cache.insert(version, Arc::clone(&def));
        }
        Ok(Some(def))
    }

    /// Whether `survey` accepts answers at `now`: an administrator's
    /// decision if there is one, else the definition's dates.
    pub fn availability(&self, survey: &CurrentSurvey, now: DateTime<Utc>) -> Availability {
        control::availability(&survey.definition, self.control(survey.id).as_ref(), now)
    }

    /// The administrator's standing decision for a survey, if any.
    pub fn control(&self, survey: SurveyId) -> Option<ControlRecord> {
        self.controls
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&survey)
            .cloned()
    }

    /// Reads every decision from the database again.
    pub fn refresh_controls(&self, conn: &mut AnyConnection) -> Result<(), DbError> {
        let _one_at_a_time = self
            .refreshing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let fresh: HashMap<SurveyId, ControlRecord> =
            surveys::load_controls(conn)?.into_iter().collect();
        *self
            .controls
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = fresh;
        Ok(())
    }
}
