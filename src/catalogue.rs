//! The surveys this instance serves: the latest published version of every
//! survey in the database (read again every second, so a version published
//! on any instance is served everywhere), older versions read on demand for
//! drafts and responses started under them, and administrators' open/close
//! decisions. At start the definition files are published first, each only
//! if it changed since it was last published from its file.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock};

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::db::surveys;
use crate::db::{AnyConnection, DbError};
use crate::domain::control::{self, ControlRecord};
use crate::domain::{
    Availability, DefinitionErrors, Problem, SurveyDefinition, SurveyId, VersionId,
};

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
    current: RwLock<BTreeMap<String, CurrentSurvey>>,
    versions: RwLock<HashMap<VersionId, Arc<SurveyDefinition>>>,
    default: Option<String>,
    /// Administrators' decisions to open or close surveys now, as last read
    /// from the database (every second, and at once by the instance that
    /// records one), so checking them costs a request no query.
    controls: RwLock<HashMap<SurveyId, ControlRecord>>,
    /// Held from reading the database to storing what was read, so a slow
    /// poll that read before a change cannot overwrite it afterwards.
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
                        problems: vec![Problem::survey(
                            "slug",
                            format!(
                                "slug {:?} is already used by another file",
                                def.slug().as_str()
                            ),
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
    /// Publishes each definition file that changed since it was last
    /// published (a new frozen version only when its content differs from
    /// the survey's latest), then serves the latest version of every survey.
    pub fn publish(
        conn: &mut AnyConnection,
        definitions: Vec<SurveyDefinition>,
        default: Option<String>,
    ) -> anyhow::Result<Self> {
        for definition in &definitions {
            let published = surveys::publish_file(conn, definition)
                .with_context(|| format!("cannot publish survey {}", definition.slug()))?;
            if let Some(p) = published.filter(|p| p.is_new) {
                tracing::info!(survey = %definition.slug(), version = p.version, "published a new survey version from its file");
            }
        }
        let catalogue = Catalogue {
            current: RwLock::default(),
            versions: RwLock::default(),
            default,
            controls: RwLock::default(),
            refreshing: std::sync::Mutex::default(),
        };
        catalogue
            .refresh(conn)
            .context("cannot read the published surveys and their open or closed state")?;
        if let Some(slug) = &catalogue.default
            && catalogue.current(slug).is_none()
        {
            anyhow::bail!("DEFAULT_SURVEY is {slug:?}, but no survey has that slug");
        }
        Ok(catalogue)
    }

    /// The current version of the survey with this slug.
    pub fn current(&self, slug: &str) -> Option<CurrentSurvey> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(slug)
            .cloned()
    }

    /// All surveys, by slug.
    pub fn all(&self) -> Vec<CurrentSurvey> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect()
    }

    /// The survey shown at `/`: the configured one, or the only one.
    pub fn default_survey(&self) -> Option<CurrentSurvey> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        match &self.default {
            Some(slug) => current.get(slug).cloned(),
            None if current.len() == 1 => current.values().next().cloned(),
            None => None,
        }
    }

    /// A frozen survey version if it has been read before (as
    /// [`Catalogue::version`] would give it, without a connection).
    pub fn cached_version(&self, version: VersionId) -> Option<Arc<SurveyDefinition>> {
        self.versions
            .read()
            .ok()
            .and_then(|v| v.get(&version).cloned())
    }

    /// A version's definition, read from the database the first time.
    pub fn version(
        &self,
        conn: &mut AnyConnection,
        version: VersionId,
    ) -> Result<Option<Arc<SurveyDefinition>>, DbError> {
        if let Some(def) = self.cached_version(version) {
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
            .unwrap_or_else(PoisonError::into_inner)
            .get(&survey)
            .cloned()
    }

    /// Reads the published surveys and every decision from the database
    /// again: what every instance does each second, and the instance that
    /// publishes or decides at once.
    pub fn refresh(&self, conn: &mut AnyConnection) -> Result<(), DbError> {
        let _one_at_a_time = self
            .refreshing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut fresh = BTreeMap::new();
        for (id, slug, version, version_number) in surveys::list_current(conn)? {
            let Some(definition) = self.version(conn, version)? else {
                return Err(DbError::Corrupt(format!(
                    "survey {slug:?}: version {version_number} vanished while being read"
                )));
            };
            fresh.insert(
                slug,
                CurrentSurvey {
                    id,
                    version,
                    version_number,
                    definition,
                },
            );
        }
        let controls: HashMap<SurveyId, ControlRecord> =
            surveys::load_controls(conn)?.into_iter().collect();
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = fresh;
        *self
            .controls
            .write()
            .unwrap_or_else(PoisonError::into_inner) = controls;
        Ok(())
    }
}
