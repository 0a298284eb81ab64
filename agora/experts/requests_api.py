"""Expert-request endpoints: list mine, ask someone, mark answered and rate.

The same actions as the pages, so the same rules: asking oneself, a person
one may not see (422 on `expert`), someone not open to questions, away or at their
limit (422, naming other experts), bad input (422 by field).
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status
from ninja.pagination import paginate

from agora.accounts.permissions import access_person
from agora.api.pagination import Pages
from agora.api.schemas import PathId
from agora.experts import actions
from agora.experts.permissions import access_request
from agora.experts.queries import person_requests
from agora.experts.requests_schemas import AnsweredIn, RequestFilter, RequestIn, RequestOut

router = Router(tags=["experts"])

NO_SUCH_PERSON = gettext_lazy("There is nobody with this id that you can see.")


@router.get("/experts/requests", response=list[RequestOut], url_name="expert_request_list")
@paginate(Pages)
def list_requests(request: HttpRequest, filters: Query[RequestFilter]):
    """Requests I asked and received, newest first."""
    return person_requests(viewer=request.user, box=filters.box)


@router.post("/experts/requests", response={201: RequestOut}, url_name="expert_request_create")
def create_request(request: HttpRequest, data: RequestIn):
    """Ask an expert: opens a private conversation with them."""
    try:
        expert = access_person(request.user, data.expert)
    except Http404 as missing:
        # An id in the body is a field of the request: unknown is a 422, like a bad skill.
        raise ValidationError({"expert": [str(NO_SUCH_PERSON)]}) from missing
    created = actions.ask_expert(
        asker=request.user, expert=expert, title=data.title, body=data.body, skill=data.skill
    )
    return Status(201, access_request(request.user, created.pk))


@router.get("/experts/requests/{request_id}", response=RequestOut, url_name="expert_request")
def get_request(request: HttpRequest, request_id: PathId):
    """One request I asked or received."""
    return access_request(request.user, request_id)


@router.post(
    "/experts/requests/{request_id}/answered",
    response=RequestOut,
    url_name="expert_request_answered",
)
def answer_request(request: HttpRequest, request_id: PathId, data: AnsweredIn):
    """The asker marks the request answered, and may rate it helpful or not."""
    expert_request = access_request(request.user, request_id)
    actions.mark_answered(asker=request.user, request=expert_request, helpful=data.helpful)
    return access_request(request.user, request_id)


@router.post(
    "/experts/requests/{request_id}/reopen", response=RequestOut, url_name="expert_request_reopen"
)
def reopen_request(request: HttpRequest, request_id: PathId):
    """The asker reopens an answered request."""
    actions.reopen_request(asker=request.user, request=access_request(request.user, request_id))
    return access_request(request.user, request_id)


@router.post(
    "/experts/requests/{request_id}/withdraw",
    response=RequestOut,
    url_name="expert_request_withdraw",
)
def withdraw_request(request: HttpRequest, request_id: PathId):
    """The asker withdraws an open request."""
    actions.withdraw_request(asker=request.user, request=access_request(request.user, request_id))
    return access_request(request.user, request_id)
