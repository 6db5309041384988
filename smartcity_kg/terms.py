"""Constants for the terms of the smartcity-kg ontology: a closed rdflib namespace.

Generated from the ontology by ``python -m smartcity_kg.builder.termgen``; do not edit by hand.

Examples
--------
>>> from smartcity_kg.terms import SCK
>>> SCK.City
rdflib.term.URIRef('https://w3id.org/smartcity-kg/ontology#City')
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["SCK"]


class SCK(DefinedNamespace):
    """The classes, properties and datatypes of ``https://w3id.org/smartcity-kg/ontology#``."""

    _NS = Namespace("https://w3id.org/smartcity-kg/ontology#")
    _fail = True


    Achievement: URIRef  # A measured result that a city or organisation has reached, with the year it was measured.
    Agent: URIRef  # A person or an organisation that can act.
    Agreement: URIRef  # A partnership set down in a signed document, such as a memorandum of understanding.
    Award: URIRef  # A prize given for achievement, such as an award scheme with categories and editions.
    AwardEvent: URIRef  # The giving of an award: the award, the winner, the category, the year.
    BenefitEstimate: URIRef  # An estimate of the economic benefit of an initiative.
    City: URIRef  # A city or town: the settlement, as distinct from the authority that governs it.
    Cluster: URIRef  # A cluster or network of organisations that work together in a field.
    Company: URIRef  # A commercial organisation: a firm.
    Country: URIRef  # A sovereign state, identified by its ISO 3166-1 code.
    DanishDecisionMaker: URIRef  # A decision maker who decides in Denmark: a post in an organisation based in Denmark, or a person who holds such a post; a named instance of 'a decision maker in a market'. Inferred, never asserted.
    DanishDecisionMakingPost: URIRef  # A post in an organisation based in Denmark. Inferred, never asserted.
    DanishOrganisation: URIRef  # An organisation based in Denmark, directly or through a city or region that lies in Denmark. Inferred, never asserted.
    DecisionMaker: URIRef  # A post in an organisation, or a person who holds such a post. Inferred, never asserted.
    EntryStrategy: URIRef  # A way for a foreign firm to enter the market.
    Estimate: URIRef  # An estimate of an amount of money, with who made it, its scope and its year.
    Evidence: URIRef  # The part of a source that states a fact: the source and a verbatim quote from it.
    Initiative: URIRef  # An organised effort towards a goal: a programme, a project, a living lab or a plan.
    Investment: URIRef  # Money that an organisation put or puts into something, with amount, currency and date.
    LivingLab: URIRef  # A real-life setting in which solutions are tested and demonstrated with users.
    MarketChallenge: URIRef  # A difficulty that a firm entering the market meets.
    MarketEstimate: URIRef  # An estimate of the size of a market: amount, currency, period, scope and estimator.
    MarketInsight: URIRef  # What a source says about doing business in a country's market.
    MarketOpportunity: URIRef  # A reason why the market is worth entering.
    MarketStanding: URIRef  # How a country stands in a field compared with others.
    Merger: URIRef  # The merger of organisations into one, with its date.
    MunicipalArea: URIRef  # The territory of a municipality, as distinct from the municipal authority (a sck:Municipality) that governs it.
    Municipality: URIRef  # The local authority that governs a city or a municipal area.
    NonProfit: URIRef  # An organisation that does not distribute profit, such as an association or a foundation.
    Organisation: URIRef  # A body of people with a purpose: a company, an authority, an institution, a cluster or a non-profit.
    Partnership: URIRef  # A documented collaboration between organisations: its partners, date, purpose and signatories. It is the one form of a collaboration in every fact sheet: organisations that a source says work together on an initiative are the partners of a partnership that concerns it, each source adding the partners it names, never a list of the initiative's participants as well (sck:participant is an organisation taking part on its own: a site, a vendor, a user). A partnership is an activity its partners are associated with (prov:Activity), not an organisation of its own (org:OrganizationalCollaboration).
    Person: URIRef  # A human being.
    Place: URIRef  # A geographical area with a name: a country, a region or a city.
    Plan: URIRef  # A strategy or plan adopted by an authority, such as a climate plan.
    Post: URIRef  # A position in an organisation that a person can hold, such as a mayor; it exists whether or not someone holds it.
    PostHolding: URIRef  # One tenure of a person in a post. Its start and end (sck:startDate, sck:endDate) are stated only where a source gives them, each as precise as the source (a year, a month or a day); an absent end means 'not known to have ended', never 'in office'. The dates on which a source says the person held the post are attestations (sck:attestedOn), kept apart from the tenure. Two sources giving two starts or ends are two claims, each in its source's graph. A post holding is ORG's time-qualified form of org:holds, as an org:Membership is of org:memberOf: the holder is the member (org:member); in place of org:memberDuring and a time:Interval, the tenure's start and end are dates of their own precision. Where a source gives only the election (sck:electedOn) and the term the person was elected for (sck:termStart, sck:termEnd), the holding counts within the term; a named successor (sck:succeededBy) ends it; holdings that sources give for the same time contradict each other (sck:contradicts).
    Programme: URIRef  # A long-running initiative that frames or funds other initiatives.
    Project: URIRef  # An initiative with a defined scope, such as a pilot, a platform or a concept.
    PublicAuthority: URIRef  # A government body at national, regional or local level, or one of its administrations.
    QuoteFragment: URIRef  # A part of a quote between omissions, as the source writes it: its oa:exact occurs verbatim in the source's text. A quote that omits nothing has one fragment, the whole quote.
    QuoteSelector: URIRef  # A verbatim quote that selects the sentence of a source stating a fact; where the quote leaves words out, it selects its fragments (sck:fragment), each of which is a Web Annotation text quote selector.
    RankingEntry: URIRef  # The rank that a report gives a country.
    Region: URIRef  # An administrative area within a country, above the level of a city.
    Report: URIRef  # A published study or report, such as one that ranks countries or cities.
    ResearchInstitution: URIRef  # A university, laboratory or institute that does research.
    SectorInvestment: URIRef  # A country's or a city's investment in a market sector, as a source reports it.
    Source: URIRef  # A document that states facts: a guide, an article, a press release, a register.
    Target: URIRef  # A goal that a city or organisation has set itself, with the year it aims at.
    TemporalValue: URIRef  # A day (xsd:date), a month (xsd:gYearMonth) or a year (xsd:gYear): as precise as the source is. The data keep these XML Schema types. They are not in the OWL 2 datatype map, so for an OWL 2 DL reasoner this is a datatype of its own with no definition: it does not compare, order or check the values (HermiT runs with unsupported datatypes ignored), and nothing is inferred from them.
    TradeObservation: URIRef  # One cell of a trade table: a measure of a market and sector in a year, with its unit and status.
    TradePromotionAgency: URIRef  # An agency that promotes trade or investment: it helps firms sell abroad or brings investors in.
    TradeTable: URIRef  # The trade-data block of a guide for one market and sector: its observations, by measure and year.
    USFirm: URIRef  # A company based in the United States: the firms whose home country is the United States, a named instance of 'a firm based in its home country'. Inferred, never asserted.
    ValueQualifier: URIRef  # How a number that a source gives stands to what it counts or sums: about, more than, at least, up to, less than, nearly. The number is kept as the source gives it and its qualifier beside it; a number without one is exact as far as its source says.
    Year: URIRef  # A year, written as xsd:gYear in the data. xsd:gYear is not in the OWL 2 datatype map, so for an OWL 2 DL reasoner this is a datatype of its own with no definition, whose values it does not interpret.
    achievedBy: URIRef  # The city or organisation that reached the result.
    adoptedBy: URIRef  # The body that adopted a plan.
    adoptionDate: URIRef  # When a plan was adopted.
    affiliatedWith: URIRef  # A person works for or acts on behalf of an organisation, as a source says.
    agreementType: URIRef  # The kind of document that set the partnership down, such as a memorandum of understanding.
    amount: URIRef  # A sum of money, in the unit of the currency given beside it.
    archivedAt: URIRef  # An archived copy of this edition of the source (a web archive's URL), where one is known.
    attestedOn: URIRef  # A date on which a source says that the person held the post: evidence that the tenure included that date, not its start or end.
    author: URIRef  # An organisation whose people wrote a report.
    award: URIRef  # The award that was given.
    baseYear: URIRef  # The year that a target or achievement is measured against.
    basedIn: URIRef  # Where an organisation is based; it follows 'located in' through cities and regions.
    beyondCopyOf: URIRef  # The later edition whose stored copy ends before the passage of this edition that the evidence quotes: the later edition is not known to drop or reword the statement, so the evidence stays in force after that edition supersedes its source (sources.yaml: coversUpTo).
    caseCity: URIRef  # A city that a report studies as a case.
    category: URIRef  # The category of an award that was won.
    chairs: URIRef  # A post or person chairs an organisation's board.
    concerns: URIRef  # An initiative, laboratory or place that the partnership is about.
    confidence: URIRef  # How well the fact is supported: high where two independent sources or one authoritative source agree, medium where one credible source states it, low where the support is weak (an undated or indirect source).
    contradicts: URIRef  # Two holdings of one post that different sources give for the same time: a disagreement between the sources, kept as two claims, each with its source, and shown as such; neither is picked.
    copyCoversUpTo: URIRef  # The passage of the superseded edition's text up to which the stored copy of this edition runs; the superseded edition's statements after it are beyond the copy (sck:beyondCopyOf).
    country: URIRef  # The country that the fact is about.
    criterion: URIRef  # What the ranking measures.
    currency: URIRef  # The ISO 4217 code of the currency of an amount.
    dataSource: URIRef  # A kind of data that an initiative uses.
    date: URIRef  # When something happened: a day, a month or a year, as precise as the source.
    dbpediaResource: URIRef  # The IRI of the DBpedia resource for the same thing.
    decidesIn: URIRef  # The places, countries included, in which a decision maker decides: where the organisation of its post is based, following 'located in' through cities and regions; a person decides where the posts it holds decide. The country among them is the decision maker's market. Inferred, never asserted.
    definition: URIRef  # A definition that a report gives, quoted.
    description: URIRef  # What something is, in the words of its source.
    documentNumber: URIRef  # A report's reference number in its publisher's series.
    edition: URIRef  # The number of the edition of a recurring award.
    electedOn: URIRef  # The date of the election (or of the vote of a council or a general assembly) that a source says gave the person the post: neither the start of the tenure nor an attestation, since an elected holder may take office later.
    endAnnouncedOn: URIRef  # The date on which a source says that the end of the tenure was made known: evidence about the end, not the end itself.
    endDate: URIRef  # When something ended: a day, a month or a year.
    estimateOf: URIRef  # The initiative whose benefit is estimated.
    estimator: URIRef  # Who made the estimate.
    evidence: URIRef  # Links an entity or fact to the evidence for it.
    exchangeRate: URIRef  # The exchange rate of a year, as the guide writes it (its unit says which currencies).
    factSheet: URIRef  # The path and line of the curated fact sheet that states the evidence.
    founded: URIRef  # When an organisation was founded.
    fragment: URIRef  # A part of the quote between omissions, in the order of the quote (sck:fragmentIndex).
    fragmentIndex: URIRef  # The place of a fragment in its quote: 1 for the first part, 2 for the part after the first omission, and so on.
    fundedBy: URIRef  # An organisation or programme that funds an initiative.
    geonamesId: URIRef  # The numeric identifier of a place in the GeoNames gazetteer.
    goal: URIRef  # What a target aims at, in words.
    governedBy: URIRef  # The public authority that governs this place: the inverse of sck:governs.
    governs: URIRef  # A public authority governs a place.
    hasMember: URIRef  # An organisation that is a member of this cluster or network: the inverse of sck:memberOf.
    hasPart: URIRef  # A smaller initiative that is part of this one: the inverse of sck:partOf.
    hasPost: URIRef  # A post that exists in this organisation: the inverse of sck:postIn.
    hasSubOrganisation: URIRef  # An organisation of which the other is a part, such as an administration of a municipality: the inverse of sck:subOrganisationOf.
    headedBy: URIRef  # The post that heads this organisation or administration: the inverse of sck:heads.
    headquarteredIn: URIRef  # Where an organisation has its headquarters.
    heads: URIRef  # A post is the head of an organisation or administration; the person who holds the post is its head (org:headOf).
    heldBy: URIRef  # A person who holds this post, as a dated post holding says: the inverse of sck:holds.
    holder: URIRef  # The person who holds the post.
    holds: URIRef  # A person holds a post; inferred from a dated post holding.
    implementedBy: URIRef  # The organisation in charge of implementing a plan or an initiative.
    industryCode: URIRef  # The guide's code of the industry sector, such as an ITA or PS&D code.
    investedIn: URIRef  # What the money went into: an initiative.
    investingPlace: URIRef  # The country or city whose authorities invest.
    investor: URIRef  # Who invested the money.
    isoCode: URIRef  # A code of ISO 3166: alpha-2, alpha-3 or numeric for a country (ISO 3166-1), or a subdivision code (ISO 3166-2).
    launchDate: URIRef  # When an initiative was officially launched or opened.
    leads: URIRef  # An initiative that this organisation or person leads or carries out: the inverse of sck:ledBy.
    ledBy: URIRef  # The organisation that leads or carries out an initiative.
    linkTemplate: URIRef  # How a value of an identifier property becomes the IRI of the same thing in its register: {id} stands for the identifier (percent-encoded), {iri} for a value that is already an IRI. The build adds schema:sameAs from the entity to that IRI, beside the identifier.
    locatedIn: URIRef  # A place lies within another place: a city in a region, a region in a country.
    location: URIRef  # The place where an initiative, event or fact is situated.
    market: URIRef  # The country whose market a trade table or observation describes.
    measure: URIRef  # What an observation measures: a concept of the trade-measure scheme.
    memberCount: URIRef  # How many members an organisation or a cluster has, as its source gives it.
    memberOf: URIRef  # An organisation is a member of a cluster or network.
    mergedOrganisation: URIRef  # An organisation that went into the merger.
    municipalityCode: URIRef  # The official code of a municipality in its country's register.
    nutsCode: URIRef  # The code of a region in Eurostat's Nomenclature of Territorial Units for Statistics.
    observationStatus: URIRef  # Whether the guide gives a value as actual or as estimated.
    organisedBy: URIRef  # The organisation that organises an award or event.
    outcomeOf: URIRef  # An initiative or concept emerged from another initiative, meeting or partnership.
    partOf: URIRef  # An initiative is part of a larger one.
    participant: URIRef  # An organisation that takes part in an initiative.
    participatesIn: URIRef  # An initiative that this organisation or person takes part in: the inverse of sck:participant.
    partner: URIRef  # An organisation that is a party to the partnership.
    partnerCountry: URIRef  # The country that imports come from, for the measure imports from a partner.
    percentage: URIRef  # A change in per cent: negative for a reduction.
    period: URIRef  # The period an amount refers to, such as 'annual'.
    phase: URIRef  # A phase of a plan or programme, as the years it spans.
    pillar: URIRef  # A theme or pillar that a plan is built on.
    portfolio: URIRef  # A sector, from the sector scheme, that a post decides on: its portfolio, as a source states it.
    post: URIRef  # The post that is held.
    postIn: URIRef  # The organisation in which a post exists.
    publisher: URIRef  # The organisation that published a report.
    publisherName: URIRef  # The name of the organisation that published a source, as the source gives it.
    purpose: URIRef  # What something is for, in the words of its source.
    quote: URIRef  # The verbatim text of the source, in the source's language, as the fact sheet quotes it; an ellipsis marks an omission, so the quote as a whole need not occur in the source: its fragments (sck:fragment) do.
    rank: URIRef  # The position in the ranking; 1 is the top. Countries that share a rank each have it.
    receivedBy: URIRef  # The person or post that received the award on the winner's behalf.
    report: URIRef  # The report that gives the rank.
    requestedBy: URIRef  # The body that requested or commissioned a report.
    resultingOrganisation: URIRef  # The organisation that the merger produced or continued.
    retrievedOn: URIRef  # The day, month or year on which the copy of the source that the graph quotes was retrieved; as precise as it is known (compare pav:retrievedOn, which asks for a time).
    rorId: URIRef  # The identifier of an organisation in the Research Organization Registry.
    scope: URIRef  # What an estimate covers, in words.
    sector: URIRef  # A market sector, from the sector scheme, that something belongs to or invests in.
    selector: URIRef  # A quote that selects the sentence of the source stating the fact.
    servesMarket: URIRef  # A trade-promotion agency helps firms enter the market of a country.
    signatory: URIRef  # A person or post that signed the agreement on a partner's behalf.
    source: URIRef  # The source document that the evidence comes from.
    sourceKind: URIRef  # What kind of document a source is: guide, study, article, press release, web page or register.
    startDate: URIRef  # When something began or was launched: a day, a month or a year.
    statement: URIRef  # The fact that a piece of evidence supports, or that a market insight makes, in words.
    subOrganisationOf: URIRef  # An organisation is part of a larger one, such as an administration of a municipality.
    succeededBy: URIRef  # The holding of the person whom a source names as the next holder of the same post: this tenure ended when that one began (its start, its first attestation or the start of its term), even where no source dates the end.
    targetOf: URIRef  # The city or organisation that set the target.
    termEnd: URIRef  # The last year (or day) of the term a source says the person was elected or appointed for: the term's end, not the tenure's (sck:endDate); after it the person is not known to hold the post still.
    termStart: URIRef  # The first year (or day) of the term a source says the person was elected or appointed for, such as the council period 2026 to 2029: the person is taken to hold the post within the term, while the tenure's own start (sck:startDate) stays unknown unless a source gives it. Several terms of one holding pair in order with their ends (sck:termEnd).
    tradeTable: URIRef  # The trade table that an observation is a cell of.
    tradeValue: URIRef  # The value of a trade observation, in its unit times ten to the power of its unit multiplier.
    unit: URIRef  # The unit of a trade table's values: an ISO 4217 currency code, or the exchange rate's currencies.
    unitMultiplier: URIRef  # The power of ten that a value is in: 6 for millions, 3 for thousands.
    unquotedReason: URIRef  # Why a piece of evidence names its source but quotes none of it.
    valueDatatype: URIRef  # An XML Schema datatype in which the values of a datatype of this ontology are written in the data. The build types each value with the first of them that fits; SPARQL sees that type (compare with DATATYPE(?v) = xsd:gYear); SHACL checks it.
    valueQualifier: URIRef  # The qualifier that the source puts before the number this node states (its amount, count or other numeric value), such as 'more than' in 'more than DKK 100 million'. Fact sheets write it as 'qualifier:' beside the number.
    wikidataId: URIRef  # The identifier (Q followed by digits) of the Wikidata item for the same thing.
    winner: URIRef  # Who or what won the award.
    year: URIRef  # The year a fact refers to: the year of an award, a target or an estimate.
