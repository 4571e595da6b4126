"""The application layer: one ``AppContext`` per process, which builds the services from
the settings and holds whose progress is kept now. Front ends (the window, the command
line) use it; nothing below it (services, sync, store, auth) knows it exists."""
