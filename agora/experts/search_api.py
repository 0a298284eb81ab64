"""Expert finder endpoint: the same search, filters and reasons as the page."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from agora.accounts.queries import directory_facets
from agora.api.pagination import Pages
from agora.experts.search_queries import PeopleFilters, search_people
from agora.experts.search_schemas import ExpertFilter, ExpertHitOut

router = Router(tags=["experts"])
UNKNOWN_VALUE = "Nobody you can see has this value."


@router.get("/experts", response=list[ExpertHitOut], url_name="expert_search")
@paginate(Pages, page_size=20)
def find_experts(request: HttpRequest, filters: Query[ExpertFilter]):
    """People I may see who match every word of `q`, best evidence first.

    A word that is a skill's alias also finds the skill; the last word also
    matches as a prefix; a name with one typo is found when nothing matches
    exactly. Each hit lists the skills the search names with the person's
    level and evidence counts. `department` and `location` take the values
    people have (unknown ones are refused).
    """
    facets = directory_facets(viewer=request.user)
    errors = {}
    if filters.department and filters.department not in facets.departments:
        errors["department"] = [UNKNOWN_VALUE]
    if filters.location and filters.location not in facets.locations:
        errors["location"] = [UNKNOWN_VALUE]
    if errors:
        raise ValidationError(errors)
    return search_people(
        viewer=request.user,
        text=filters.q,
        filters=PeopleFilters(
            department=filters.department,
            location=filters.location,
            time_zone=filters.time_zone,
            level=filters.level or "",
            open_to_questions=filters.open_to_questions,
        ),
    )
