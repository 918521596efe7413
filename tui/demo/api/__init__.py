"""API-server machinery without HTTP routes: the object store and its watches, Status errors,
patches, validation, selectors, server-side Table, protobuf bodies, pod defaults, Pod Security
admission and the RBAC policy. Imports nothing else of the demo."""
