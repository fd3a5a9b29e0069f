DROP TABLE api_tokens;
DROP TABLE officer_sessions;
DROP TABLE officers;
