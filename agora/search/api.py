"""Search endpoint: the same search and filters as the pages."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from agora.api.pagination import Pages
from agora.search.queries import SearchFilters, search
from agora.search.schemas import SearchFilter, SearchHitOut
from agora.spaces.permissions import access_space_by_id

router = Router(tags=["search"])


@router.get("/search", response=list[SearchHitOut], url_name="search")
@paginate(Pages, page_size=20)
def search_everything(request: HttpRequest, filters: Query[SearchFilter]):
    """Threads, replies, lessons and spaces I may see that contain every word of `q`.

    Best matches first among the newest 500 that match; the matched words are
    wrapped in `<mark>` in `title_html` and `snippet_html` (all else escaped).
    """
    space = None
    if filters.space_id is not None:
        try:
            space = access_space_by_id(request.user, filters.space_id)
        except Http404 as error:
            raise ValidationError({"space_id": ["No such space."]}) from error
    return search(
        viewer=request.user,
        text=filters.q,
        filters=SearchFilters(
            space=space,
            kind=filters.kind or "",
            author_id=filters.author_id,
            date_from=filters.date_from,
            date_to=filters.date_to,
        ),
    )
