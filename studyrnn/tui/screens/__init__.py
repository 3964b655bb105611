"""One screen per module. Each is imported when first opened (see ``StudyApp.open_*``)."""
