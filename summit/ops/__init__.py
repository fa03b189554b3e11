"""Operations: the OpenAPI description of the JSON API, backup and restore."""
