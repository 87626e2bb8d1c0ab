"""The ticket kiosk (`fairq kiosk`): a trader takes a ticket for a declaration, and it prints.

``kiosk.app.main(argv)`` runs it; ``kiosk.app.build(config) -> Kiosk`` makes one for tests.
``controller.KioskController`` holds the flow and the failure handling, ``window.KioskWindow`` and
``views`` the screens, ``model`` the plain logic (what was typed, whether it can serve),
``printing.PrinterService`` the printer on a worker thread. The documentation images come from
``python -m devtools.screenshots.kiosk DIR`` (outside the app).
"""
