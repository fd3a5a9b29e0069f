//! Exports: raw CSV (wide and long), summary CSV and XLSX, charts, the
//! report as HTML and DOCX, and the export log.

use std::collections::BTreeMap;
use std::io::Read;

use reqwest::StatusCode;

use crate::helpers::{choose, on_both_backends};

const EXPORTS: &str = "/surveys/csp-2019/exports";

fn parse_csv(body: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(body);
    let headers = reader
        .headers()
        .expect("headers")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            r.expect("a well-formed record")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    (headers, rows)
}

fn column(headers: &[String], name: &str) -> usize {
    headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name:?} in {headers:?}"))
}

on_both_backends! {
    async fn the_raw_csv_of_2019_has_420_rows_that_count_back_to_the_published_figures(app) {
        app.seed_2019();
        let officer = app.signed_in("analyst").await;
        let (status, content_type, body) = officer.get_bytes(&format!("{EXPORTS}/responses.csv")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "text/csv; charset=utf-8");
        let (headers, rows) = parse_csv(&body);
        assert_eq!(rows.len(), 420);
        assert_eq!(&headers[..4], ["Response", "Submitted (UTC)", "Borough", "Most important issue"]);
        let count = |name: &str, value: &str| {
            let c = column(&headers, name);
            rows.iter().filter(|r| r[c] == value).count()
        };
        assert_eq!(count("Borough", "Gravesham"), 299);
        assert_eq!(count("Borough", "Dartford"), 121);
        let mut categories = BTreeMap::new();
        for r in &rows {
            *categories.entry(r[column(&headers, "Most important issue")].clone()).or_insert(0) += 1;
        }
        assert_eq!(categories["ASB"], 163);
        assert_eq!(categories["Violence"], 37);
        assert_eq!(categories[""], 13, "skipped the question");
        assert_eq!(count("Concerns within ASB: Fly-tipping", "1"), 65);
        assert_eq!(count("Concerns within ASB: Fly-tipping", "0"), 154 - 65);
        assert_eq!(count("Concerns within ASB: Fly-tipping", ""), 420 - 154, "not asked is empty, not 0");
        assert_eq!(count("Concerns within property crime: Theft of motor vehicles", "1"), 49);
        assert_eq!(count("Age", "65+"), 58);
        assert_eq!(count("Gender", "Prefer not to say"), 10);

        // The same with ids, for scripts, and with a BOM, for Excel.
        let (_, _, ids) = officer.get_bytes(&format!("{EXPORTS}/responses.csv?ids=1")).await;
        let (id_headers, id_rows) = parse_csv(&ids);
        assert_eq!(&id_headers[..3], ["response", "submitted_at", "borough"]);
        assert!(id_headers.contains(&"asb-concerns.fly-tipping".to_owned()));
        assert_eq!(id_rows.iter().filter(|r| r[2] == "gravesham").count(), 299);
        let (_, _, bom) = officer.get_bytes(&format!("{EXPORTS}/responses.csv?bom=1")).await;
        assert!(bom.starts_with(b"\xEF\xBB\xBFResponse,"));

        // Filters apply, as on the results page.
        let (_, _, dartford) = officer.get_bytes(&format!("{EXPORTS}/responses.csv?f-borough=dartford")).await;
        assert_eq!(parse_csv(&dartford).1.len(), 121);

        // The long form: one row per chosen option, counting back the same.
        let (_, _, long) = officer.get_bytes(&format!("{EXPORTS}/responses-long.csv")).await;
        let (long_headers, long_rows) = parse_csv(&long);
        assert_eq!(long_headers, ["Response", "Submitted (UTC)", "Question", "Answer", "Please specify"]);
        let fly = long_rows.iter().filter(|r| r[2] == "Concerns within ASB" && r[3] == "Fly-tipping").count();
        assert_eq!(fly, 65);
        let responses: std::collections::BTreeSet<&String> = long_rows.iter().map(|r| &r[0]).collect();
        assert_eq!(responses.len(), 420);
    }

    async fn a_formula_looking_answer_comes_out_neutralised(app) {
        let mut r = app.resident();
        r.start("csp-2019").await;
        r.answer("/surveys/csp-2019/questions/borough", &choose(&["dartford"])).await;
        r.answer("/surveys/csp-2019/questions/most-important", &choose(&["asb"])).await;
        let mut fields = choose(&["other"]);
        fields.push(("specify-other", "=HYPERLINK(\"http://evil.example\",\"x\")"));
        r.answer("/surveys/csp-2019/questions/asb-concerns", &fields).await;
        r.post("/surveys/csp-2019/submit", &[]).await;
        assert_eq!(app.completed("csp-2019"), 1);
        assert_eq!(app.details("csp-2019", "asb-concerns", "other"), ["=HYPERLINK(\"http://evil.example\",\"x\")"], "stored as typed");

        let officer = app.signed_in("analyst").await;
        let (_, _, body) = officer.get_bytes(&format!("{EXPORTS}/responses.csv")).await;
        let (headers, rows) = parse_csv(&body);
        let c = column(&headers, "Concerns within ASB: Other (please specify)");
        assert_eq!(rows[0][c], "'=HYPERLINK(\"http://evil.example\",\"x\")");
        let (_, _, long) = officer.get_bytes(&format!("{EXPORTS}/responses-long.csv")).await;
        let (_, long_rows) = parse_csv(&long);
        assert!(long_rows.iter().any(|r| r[4] == "'=HYPERLINK(\"http://evil.example\",\"x\")"));
    }

    async fn the_summary_workbook_holds_counts_and_percentages_as_numbers(app) {
        use calamine::{Data, Reader, Xlsx};
        app.seed_2019();
        let officer = app.signed_in("analyst").await;
        let (status, content_type, body) = officer.get_bytes(&format!("{EXPORTS}/summary.xlsx")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(body)).expect("an XLSX");
        let names = workbook.sheet_names();
        assert_eq!(&names[..3], ["Summary", "2019 table", "Respondents"]);
        assert!(names.contains(&"Concerns within ASB".to_owned()));
        let table = workbook.worksheet_range("2019 table").expect("sheet");
        let row = |r: u32| -> Vec<Data> { (0..7).map(|c| table.get_value((r, c)).cloned().unwrap_or(Data::Empty)).collect() };
        assert_eq!(row(1)[0], Data::String("ASB".to_owned()));
        assert_eq!(row(1)[1], Data::Float(163.0));
        assert_eq!(row(1)[2], Data::Float(0.4));
        assert_eq!(row(1)[3], Data::Float(154.0));
        assert_eq!(row(1)[4], Data::String("Fly-tipping".to_owned()));
        assert_eq!(row(1)[5], Data::Float(65.0));
        assert_eq!(row(1)[6], Data::Float(0.42));
        assert_eq!(row(4)[2], Data::Float(0.09), "Violence, correctly rounded");
        let respondents = workbook.worksheet_range("Respondents").expect("sheet");
        assert_eq!(respondents.get_value((3, 1)), Some(&Data::Float(12.0)));
        assert_eq!(respondents.get_value((3, 2)), Some(&Data::Float(0.035)));

        let (_, _, csv_body) = officer.get_bytes(&format!("{EXPORTS}/summary.csv?f-borough=gravesham")).await;
        let (headers, rows) = parse_csv(&csv_body);
        assert_eq!(headers[0], "Question id");
        let gravesham = rows.iter().find(|r| r[0] == "borough" && r[4] == "gravesham").expect("row");
        assert_eq!((gravesham[6].as_str(), gravesham[7].as_str(), gravesham[24].as_str()), ("299", "100", "f-borough=gravesham"));
        // The 95% interval of a share of 299 out of 299.
        assert_eq!((gravesham[9].as_str(), gravesham[10].as_str()), ("98.7315", "100.0000"));
    }

    async fn the_report_docx_is_a_word_package_holding_the_2019_table(app) {
        app.seed_2019();
        let officer = app.signed_in("analyst").await;
        let (status, content_type, body) = officer.get_bytes("/surveys/csp-2019/report.docx").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body)).expect("a zip package");
        assert!(zip.by_name("[Content_Types].xml").is_ok());
        let mut document = String::new();
        zip.by_name("word/document.xml").expect("document part").read_to_string(&mut document).expect("utf-8");
        for expected in [
            "Public Opinion",
            "A total of 420 people responded – 299 (71.19%) Gravesham and 121 (28.81%) Dartford.",
            "163 respondents (40%)",
            "Of 154 respondents to this question:",
            "Fly-tipping 65 (42%)",
            "Theft of motor vehicles 49 (58%)",
            "37 respondents (9%)",
            "Cannabis use 13 (45%)",
            "Age from 342 responses",
            "3.5%",
        ] {
            assert!(document.contains(expected), "document.xml lacks {expected:?}");
        }
        assert!(document.matches("<w:tbl>").count() >= 2, "real Word tables");
        if civic_survey::export::png::has_font() {
            let names: Vec<String> = zip.file_names().map(|n| n.expect("a file name").into_owned()).collect();
            assert!(names.iter().any(|n| n.starts_with("word/media/")), "the pie chart is an image: {names:?}");
        }

        let page = officer.get("/surveys/csp-2019/report").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.text(".report h2"), "Public Opinion");
        assert!(page.text(".report").contains("between 18 February and 3 March 2019"));
        assert!(page.text(".report__table").contains("Of 85 respondents to this question: Residential burglary 81 (95%)"));
        assert_eq!(page.texts(".report svg.chart > title"), ["Single most important concern in local areas"]);
    }

    async fn charts_download_as_svg_and_print_resolution_png(app) {
        app.seed_2019();
        let officer = app.signed_in("analyst").await;
        let (status, content_type, svg) = officer.get_bytes("/surveys/csp-2019/charts/most-important.svg").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "image/svg+xml");
        let svg = String::from_utf8(svg).expect("utf-8");
        assert!(svg.contains("<title id=\"chart-title\">Single most important concern in local areas</title>"));
        assert!(svg.contains("ASB: 163 (40%)"));
        let (_, _, dartford) = officer.get_bytes("/surveys/csp-2019/charts/most-important.svg?f-borough=dartford").await;
        assert!(!String::from_utf8_lossy(&dartford).contains("ASB: 163 (40%)"), "filters apply");
        let (status, _, _) = officer.get_bytes("/surveys/csp-2019/charts/no-such-chart.svg").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, _) = officer.get_bytes("/surveys/csp-2019/charts/borough.gif").await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (status, content_type, png) = officer.get_bytes("/surveys/csp-2019/charts/most-important.png").await;
        if civic_survey::export::png::has_font() {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(content_type, "image/png");
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
            let (width, _) = civic_survey::export::png::png_size(&png).expect("size");
            assert_eq!(width, 2250, "720 px at 300 dpi");
        } else {
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
            assert!(String::from_utf8_lossy(&png).contains("fonts-dejavu-core"));
        }
        let (status, _, _) = officer.get_bytes("/surveys/csp-2019/charts/responses-per-day.svg").await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn exports_are_refused_to_anyone_not_signed_in_and_logged_for_admins(app) {
        let anonymous = app.resident();
        for path in [
            format!("{EXPORTS}/responses.csv"),
            format!("{EXPORTS}/responses-long.csv"),
            format!("{EXPORTS}/summary.csv"),
            format!("{EXPORTS}/summary.xlsx"),
            "/surveys/csp-2019/charts/borough.svg".to_owned(),
            "/surveys/csp-2019/charts/borough.png".to_owned(),
            "/surveys/csp-2019/report".to_owned(),
            "/surveys/csp-2019/report.docx".to_owned(),
            "/admin/exports".to_owned(),
        ] {
            let page = anonymous.get(&path).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
            assert!(page.location().starts_with("/officers/sign-in"), "{path}");
        }
        let analyst = app.signed_in("analyst").await;
        analyst.get_bytes(&format!("{EXPORTS}/summary.csv?f-borough=dartford&f-gender=female")).await;
        analyst.get_bytes("/surveys/csp-2019/report.docx").await;
        assert_eq!(analyst.get("/admin/exports").await.status, StatusCode::FORBIDDEN);
        let admin = app.signed_in("admin").await;
        let moved = admin.get("/admin/exports").await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "the export log is part of the audit log");
        assert_eq!(moved.location(), "/admin/audit?action=export");
        let log = admin.get(moved.location()).await;
        assert_eq!(log.status, StatusCode::OK);
        let rows: Vec<String> = log.texts("tbody tr");
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows[0].contains("analyst@example.gov.uk Export csp-2019 report.docx"), "{rows:?}");
        assert!(rows[1].contains("summary.csv (f-borough=dartford&f-gender=female)"), "{rows:?}");
    }
}
