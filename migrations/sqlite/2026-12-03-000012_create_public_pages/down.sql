DROP TABLE public_pages;
