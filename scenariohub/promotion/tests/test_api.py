"""The promotion API through HTTP: entry by the office with evidence, adoptions by units for themselves."""

import json

import pytest
from django.utils import timezone

from scenariohub.conftest import as_actor, client_for
from scenariohub.promotion import services
from scenariohub.promotion.models import Adoption, PromotedProduct

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_office_enters_a_proven_product(office, chengdu_city, solution, cooperation, anon_client):
    payload = {"solution_id": solution.pk, "summary": "视觉质检", "cooperations": [cooperation.pk]}
    assert (
        anon_client.post("/api/v1/promoted-products", json.dumps(payload), content_type=JSON).status_code
        == 401
    )
    assert (
        client_for(chengdu_city)
        .post("/api/v1/promoted-products", json.dumps(payload), content_type=JSON)
        .status_code
        == 403
    )
    flagged = client_for(office).post(
        "/api/v1/promoted-products", json.dumps({**payload, "first_set": True}), content_type=JSON
    )
    assert flagged.status_code == 422 and "flags" in flagged.json()["details"]
    created = client_for(office).post("/api/v1/promoted-products", json.dumps(payload), content_type=JSON)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["evidence_cooperations"] == [cooperation.pk] and data["reach"]["adoptions"] == 0
    again = client_for(office).post("/api/v1/promoted-products", json.dumps(payload), content_type=JSON)
    assert again.status_code == 409 and again.json()["code"] == "already_listed"
    assert PromotedProduct.objects.count() == 1


def test_catalogue_reads_and_patch(office, solution, cooperation, anon_client, chengdu_city):
    product = services.product_create(
        actor=as_actor(office),
        solution_id=solution.pk,
        data={"summary": "简介", "cooperations": [cooperation.pk]},
    )
    listed = anon_client.get("/api/v1/promoted-products").json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == solution.title
    assert anon_client.get("/api/v1/promoted-products?sector=nope").status_code == 422
    assert anon_client.get(f"/api/v1/promoted-products/{product.pk + 1}").status_code == 404
    assert (
        client_for(chengdu_city)
        .patch(f"/api/v1/promoted-products/{product.pk}", json.dumps({"listed": False}), content_type=JSON)
        .status_code
        == 403
    )
    hidden = client_for(office).patch(
        f"/api/v1/promoted-products/{product.pk}", json.dumps({"listed": False}), content_type=JSON
    )
    assert hidden.status_code == 200 and hidden.json()["listed"] is False
    assert anon_client.get(f"/api/v1/promoted-products/{product.pk}").status_code == 404
    assert anon_client.get("/api/v1/promoted-products").json()["count"] == 0


def test_adoptions_for_oneself_and_seen_by_oneself(
    office, adopter, supplier, chengdu_city, solution, cooperation, anon_client
):
    product = services.product_create(
        actor=as_actor(office),
        solution_id=solution.pk,
        data={"summary": "简介", "cooperations": [cooperation.pk]},
    )
    url = f"/api/v1/promoted-products/{product.pk}/adoptions"
    today = timezone.localdate().isoformat()
    assert anon_client.post(url, json.dumps({"adopted_on": today}), content_type=JSON).status_code == 401
    own = client_for(supplier).post(url, json.dumps({"adopted_on": today}), content_type=JSON)
    assert own.status_code == 403
    bad = client_for(adopter).post(
        url, json.dumps({"adopted_on": "2019-01-01", "region": "510700"}), content_type=JSON
    )
    assert bad.status_code == 422 and "adopted_on" in bad.json()["details"]
    ok = client_for(adopter).post(
        url, json.dumps({"adopted_on": today, "amount": "25.5", "note": "采购"}), content_type=JSON
    )
    assert ok.status_code == 201 and ok.json()["organisation_name"] == adopter.organisation.name
    assert ok.json()["region"] == "510700" and ok.json()["amount"] == "25.50"
    client_for(chengdu_city).post(url, json.dumps({"adopted_on": today}), content_type=JSON)
    assert client_for(adopter).get("/api/v1/adoptions").json()["count"] == 1
    assert client_for(office).get("/api/v1/adoptions").json()["count"] == 2
    assert anon_client.get("/api/v1/adoptions").status_code == 401
    reach = anon_client.get(f"/api/v1/promoted-products/{product.pk}").json()["reach"]
    assert reach["adoptions"] == 2 and reach["units"] == 2 and len(reach["regions"]) == 2
    assert Adoption.objects.count() == 2
