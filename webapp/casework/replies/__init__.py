"""Reply letters to the applicant: templates, PDF rendering, the stored document and its delivery."""
