"""DCAT-AP export of the open-data portal, built with rdflib: one ``dcat:Catalog`` with its
``dcat:Dataset``s (title and description tagged ``@zh``, publisher ``foaf:Agent``, keywords, typed
issued/modified dates, theme, access rights, licence, ``vcard`` contact point, distributions with access
and download URLs, format and media type, landing page).

Big catalogs are paged as DCAT-AP recommends: ``?page=N`` (1-based, ``PAGE_SIZE`` datasets a page) and a
``hydra:PagedCollection`` node naming the first, previous, next and last pages and the total.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from digigov.data.catalog.models import MountKind, OpenType
from digigov.data.opendata.selectors import public_datasets

from . import packages

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU_ACCESS = Namespace("http://publications.europa.eu/resource/authority/access-right/")
EU_FILETYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
LICENSES = {
    "odc-gov-cn": "https://opendata.digigov.example/licenses/odc-gov-cn",
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc-zero": "https://creativecommons.org/publicdomain/zero/1.0/",
}
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def _bind(g: Graph) -> None:
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("hydra", HYDRA), ("xsd", XSD)):
        g.bind(prefix, ns)


def build(base_url: str, *, page: int = 1, page_size: int = PAGE_SIZE) -> Graph:
    """The catalog's graph for one page (raises ``ValueError`` for a page beyond the last)."""
    qs = public_datasets()
    total = qs.count()
    last = max(1, -(-total // page_size))
    if page < 1 or page > last:
        raise ValueError("page")
    g = Graph()
    _bind(g)
    catalog = URIRef(f"{base_url}/catalog")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("示范市公共数据开放平台", lang="zh")))
    g.add((catalog, DCTERMS.description, Literal("示范市政务部门依法开放的公共数据资源目录", lang="zh")))
    g.add((catalog, DCTERMS.language, URIRef("http://publications.europa.eu/resource/authority/language/ZHO")))
    g.add((catalog, FOAF.homepage, URIRef(f"{base_url}/open/")))
    platform = URIRef(f"{base_url}/#publisher")
    g.add((catalog, DCTERMS.publisher, platform))
    g.add((platform, RDF.type, FOAF.Agent))
    g.add((platform, FOAF.name, Literal("示范市大数据管理局", lang="zh")))

    rows = list(packages.with_related(qs.order_by("name", "pk"))[(page - 1) * page_size: page * page_size])
    newest = None
    for ds in rows:
        _dataset(g, catalog, ds, base_url)
        newest = max(newest, ds.updated_at) if newest else ds.updated_at
    if newest:
        g.add((catalog, DCTERMS.modified, Literal(newest.isoformat(), datatype=XSD.dateTime)))
    if last > 1 or page > 1:
        def url(n):
            return URIRef(f"{base_url}/catalog?page={n}" + (f"&page_size={page_size}" if page_size != PAGE_SIZE else ""))
        here = url(page)
        g.add((here, RDF.type, HYDRA.PagedCollection))
        g.add((here, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
        g.add((here, HYDRA.itemsPerPage, Literal(page_size, datatype=XSD.integer)))
        g.add((here, HYDRA.firstPage, url(1)))
        g.add((here, HYDRA.lastPage, url(last)))
        if page > 1:
            g.add((here, HYDRA.previousPage, url(page - 1)))
        if page < last:
            g.add((here, HYDRA.nextPage, url(page + 1)))
    return g


def _dataset(g: Graph, catalog, ds, base_url: str) -> None:
    entry = ds.entry
    landing = f"{base_url}{packages.LANDING_PATH.format(name=ds.name)}"
    node = URIRef(landing)
    g.add((catalog, DCAT.dataset, node))
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.identifier, Literal(entry.code)))
    g.add((node, DCTERMS.title, Literal(entry.name, lang="zh")))
    g.add((node, DCTERMS.description, Literal(entry.abstract, lang="zh")))
    g.add((node, DCAT.landingPage, URIRef(landing)))
    g.add((node, DCTERMS.issued, Literal(ds.opened_at.isoformat(), datatype=XSD.dateTime)))
    g.add((node, DCTERMS.modified, Literal((ds.data_updated_at or ds.updated_at).isoformat(), datatype=XSD.dateTime)))
    for keyword in ds.keywords or []:
        g.add((node, DCAT.keyword, Literal(keyword, lang="zh")))
    theme = URIRef(f"{base_url}/catalog/themes/{packages.group_name(entry.category)}")
    g.add((node, DCAT.theme, theme))
    g.add((theme, DCTERMS.title, Literal(entry.category.name, lang="zh")))
    public = entry.open_type == OpenType.UNCONDITIONAL
    g.add((node, DCTERMS.accessRights, EU_ACCESS.PUBLIC if public else EU_ACCESS.RESTRICTED))
    license_ref = URIRef(LICENSES.get(ds.license, LICENSES["odc-gov-cn"]))
    g.add((node, DCTERMS.license, license_ref))
    dept = entry.department
    publisher = URIRef(f"{base_url}/catalog/organizations/{packages.org_name(dept)}")
    g.add((node, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(dept.name, lang="zh")))
    contact = BNode()
    g.add((node, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(dept.name, lang="zh")))
    g.add((contact, VCARD.hasURL, URIRef(landing)))
    for mount in getattr(entry, "ckan_mounts", []):
        dist = URIRef(f"{base_url}/catalog/distributions/{mount.public_id}")
        g.add((node, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(mount.name, lang="zh")))
        g.add((dist, DCTERMS.license, license_ref))
        if mount.kind == MountKind.TABLE and public:
            dump = URIRef(f"{base_url}/datastore/dump/{mount.public_id}")
            g.add((dist, DCAT.accessURL, dump))
            g.add((dist, DCAT.downloadURL, dump))
            g.add((dist, DCTERMS.format, EU_FILETYPE.CSV))
            g.add((dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/text/csv")))
        else:
            g.add((dist, DCAT.accessURL, URIRef(landing)))
            g.add((dist, DCTERMS.format, EU_FILETYPE.JSON))
            g.add((dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/application/json")))
