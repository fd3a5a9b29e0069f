DROP TABLE response_weights;
DROP TABLE weighting_schemes;
