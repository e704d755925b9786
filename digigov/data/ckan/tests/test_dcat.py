import pytest
from django.test import Client
from rdflib.compare import isomorphic
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from digigov.core.testing import make_user
from digigov.data.ckan.testing import open_dataset

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")


@pytest.fixture
def datasets(city):
    user = make_user("data_admin", department=city.bureau)
    return [open_dataset(city.bureau, user, name=f"ds-{n:02d}", title=f"数据集{n}", abstract=f"第{n}个数据集的说明",
                         keywords=["交通", f"k{n}"], rows=[{"qx": "元宝区", "nl": "1"}],
                         open_type="unconditional" if n % 2 else "conditional") for n in range(5)]


def parse(response, fmt):
    assert response.status_code == 200, response.content
    g = Graph()
    g.parse(data=response.content.decode(), format=fmt)
    return g


def test_turtle_and_jsonld_hold_the_same_dcat_triples(datasets):
    ttl = parse(Client().get("/catalog.ttl"), "turtle")
    jsonld = parse(Client().get("/catalog.jsonld"), "json-ld")
    assert len(ttl) == len(jsonld) > 50
    assert isomorphic(ttl, jsonld)  # the same graph (blank-node contact points matched by shape)
    catalogs = list(ttl.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    members = set(ttl.objects(catalogs[0], DCAT.dataset))
    assert len(members) == 5 and members == set(ttl.subjects(RDF.type, DCAT.Dataset))


def test_dataset_shape(datasets):
    g = parse(Client().get("/catalog.ttl"), "turtle")
    node = URIRef("http://testserver/open/datasets/ds-01/")
    assert (node, DCTERMS.title, Literal("数据集1", lang="zh")) in g
    assert (node, DCTERMS.description, Literal("第1个数据集的说明", lang="zh")) in g
    assert (node, DCAT.keyword, Literal("交通", lang="zh")) in g
    assert g.value(node, DCTERMS.issued).datatype == XSD.dateTime and g.value(node, DCTERMS.modified).datatype == XSD.dateTime
    publisher = g.value(node, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g and str(g.value(publisher, FOAF.name)).startswith("示范市营商环境")
    contact = g.value(node, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in g and g.value(contact, VCARD.fn)
    assert g.value(node, DCAT.theme) is not None and g.value(node, DCAT.landingPage) == node
    assert str(g.value(node, DCTERMS.accessRights)).endswith("/PUBLIC")
    dist = g.value(node, DCAT.distribution)
    assert (dist, RDF.type, DCAT.Distribution) in g
    assert "/datastore/dump/" in str(g.value(dist, DCAT.downloadURL)) and str(g.value(dist, DCTERMS.format)).endswith("/CSV")
    restricted = URIRef("http://testserver/open/datasets/ds-02/")
    assert str(g.value(restricted, DCTERMS.accessRights)).endswith("/RESTRICTED")
    assert g.value(g.value(restricted, DCAT.distribution), DCAT.downloadURL) is None


def test_paging_with_hydra(datasets):
    g = parse(Client().get("/catalog.ttl", {"page": 2, "page_size": 2}), "turtle")
    catalog = next(g.subjects(RDF.type, DCAT.Catalog))
    assert len(set(g.objects(catalog, DCAT.dataset))) == 2
    page = next(g.subjects(RDF.type, HYDRA.PagedCollection))
    assert g.value(page, HYDRA.totalItems).toPython() == 5
    assert str(g.value(page, HYDRA.nextPage)).endswith("page=3&page_size=2")
    assert str(g.value(page, HYDRA.previousPage)).endswith("page=1&page_size=2")
    assert str(g.value(page, HYDRA.lastPage)).endswith("page=3&page_size=2")
    seen = set()
    for n in (1, 2, 3):
        g = parse(Client().get("/catalog.jsonld", {"page": n, "page_size": 2}), "json-ld")
        seen |= set(g.subjects(RDF.type, DCAT.Dataset))
    assert len(seen) == 5


@pytest.mark.parametrize("query", ["page=0", "page=4&page_size=2", "page=x", "page_size=5000", "page=-1"])
def test_bad_paging_is_400(datasets, query):
    assert Client().get(f"/catalog.ttl?{query}").status_code == 400


def test_content_negotiation(datasets):
    assert Client().get("/catalog", HTTP_ACCEPT="text/turtle").headers["Content-Type"].startswith("text/turtle")
    assert Client().get("/catalog", HTTP_ACCEPT="application/ld+json").headers["Content-Type"].startswith("application/ld+json")
    assert Client().get("/catalog", HTTP_ACCEPT="text/html,*/*;q=0.8").headers["Content-Type"].startswith("application/ld+json")
    xml = Client().get("/catalog", HTTP_ACCEPT="application/rdf+xml;q=0.9, text/turtle;q=0.5")
    assert xml.headers["Content-Type"].startswith("application/rdf+xml")
    assert len(parse(xml, "xml")) > 50
    assert Client().get("/catalog", HTTP_ACCEPT="image/png").status_code == 406
