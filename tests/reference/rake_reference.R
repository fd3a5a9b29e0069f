# Reference weights for civic-survey's raking (src/stats/weighting.rs), from
# an independent implementation: R's survey package, rake() (Lumley).
# Run: Rscript tests/reference/rake_reference.R > tests/reference/rake.json
# (Debian: apt-get install r-base-core r-cran-survey). Weights are scaled to
# average 1, as civic-survey's are.
suppressMessages(library(survey))
options(digits = 17)

case <- function(sizes, levels, shares) {
  # One row per response: each margin's option index (0-based), in the order
  # of the cells of the full cross of `levels`, `sizes` responses per cell.
  grid <- expand.grid(lapply(levels, function(k) 0:(k - 1)))
  rows <- grid[rep(seq_len(nrow(grid)), sizes), , drop = FALSE]
  names(rows) <- paste0("m", seq_along(levels))
  for (k in names(rows)) rows[[k]] <- factor(rows[[k]], levels = 0:(levels[match(k, names(rows))] - 1))
  design <- svydesign(ids = ~1, data = rows, weights = rep(1, nrow(rows)))
  n <- nrow(rows)
  pops <- lapply(seq_along(levels), function(k) {
    t <- data.frame(factor(0:(levels[k] - 1)), shares[[k]] * n)
    names(t) <- c(paste0("m", k), "Freq")
    t
  })
  formulas <- lapply(seq_along(levels), function(k) as.formula(paste0("~m", k)))
  raked <- rake(design, formulas, pops, control = list(maxit = 1000, epsilon = 1e-13))
  w <- weights(raked)
  w <- w / mean(w)
  cells <- apply(as.matrix(sapply(rows, function(x) as.integer(as.character(x)))), 1,
                 function(r) paste0("[", paste(r, collapse = ","), "]"))
  sprintf('{"shares":[%s],"cells":[%s],"weights":[%s]}',
          paste(sapply(shares, function(s) paste0("[", paste(sprintf("%.17g", s), collapse = ","), "]")), collapse = ","),
          paste(cells, collapse = ","),
          paste(sprintf("%.17g", w), collapse = ","))
}

set.seed(2019)
cases <- c(
  # Borough (2) by gender (2): the sample's 71% Gravesham and 66.5% female
  # raked to even boroughs and 49% male.
  case(c(20, 50, 40, 100), c(2, 2), list(c(0.5, 0.5), c(0.49, 0.51))),
  # Two margins of 2 and 3 options, uneven cells.
  case(c(3, 7, 2, 9, 4, 5), c(2, 3), list(c(0.3, 0.7), c(0.2, 0.3, 0.5))),
  # Borough (2) by age (6) by gender (2): 24 cells of 1 to 30 responses.
  case(sample(1:30, 24, replace = TRUE), c(2, 6, 2),
       list(c(0.48, 0.52), c(0.11, 0.16, 0.17, 0.18, 0.16, 0.22), c(0.49, 0.51)))
)
cat(sprintf('{"generator":"R %s, survey %s: rake()","rake":[%s]}\n',
            getRversion(), packageVersion("survey"), paste(cases, collapse = ",")))
