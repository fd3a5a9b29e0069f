DROP TABLE theme_assignments;
DROP TABLE text_themes;
