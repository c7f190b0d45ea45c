"""Every query lives here, one module per feature; keyword-only functions taking a Session."""
