"""The OpenAPI schema's last step (drf-spectacular's POSTPROCESSING_HOOKS): every object the API
answers with is closed (`additionalProperties: false`), so the schema says all an answer may hold.

An answer with a field the schema does not name then breaks the schema, which the fuzz test checks
for every operation and role (tests/test_fuzz.py). It also makes the role-dependent answers (a guest
or a running-order item as organisers see it, or as the door team does) tell themselves apart:
the door team's shape holds nothing more, so an organiser's answer matches only the organiser's.
Request bodies (components ending in `Request`, COMPONENT_SPLIT_REQUEST) stay open."""


def close_response_objects(result, generator, request, public):
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            continue
        if component.get("type") == "object" and "properties" in component and "additionalProperties" not in component:
            component["additionalProperties"] = False
    return result
