"""Seeds the public site's page tree from the seed documents. Idempotent.

Pages are found by their slug under their parent. A missing page is created and published;
an existing page is left as the editors made it (no new revision), except that a scheme page
without a convention is linked to it once the conventions demo has created it. Running the
seed twice gives one tree and no needless revision. The editors' group is ensured too.

Sources (``/work/shared/seeds``): 000 (PMI reserved places, Orléans), 001 (Pôle emploi
priority, Orléans), 002 (Les Petits Pas, Lunel), 003 (Orléans operating rules: fees,
personal data §3.2.2), 004 (Levignac / vallée de la Save booklet and allocation commission).
"""

from datetime import date

from django.db.models import Q
from wagtail.models import Page, Site

from conventions.models import Convention

from .editors import ensure_editors_group
from .models import (
    BookletPage,
    ContentPage,
    DirectoryPage,
    HomePage,
    LegalPage,
    SchemePage,
    SearchPage,
    SimulatorPage,
    SitemapPage,
)

SITE_NAME = "Parcours Petite Enfance"
LEGAL_UPDATED_ON = date(2026, 11, 1)

HOME_INTRO = (
    "<p>Vous cherchez un mode d'accueil pour votre jeune enfant pendant votre recherche d'emploi, "
    "votre formation ou votre parcours d'insertion ? Des places en crèche sont réservées pour vous, "
    "gratuitement pendant une période limitée, quand un partenaire (PMI, France Travail, PLIE, CCAS) "
    "vous oriente.</p>"
)


def text(html: str) -> dict:
    return {"type": "text", "value": html}


def callout(kind: str, title: str, html: str) -> dict:
    return {"type": "callout", "value": {"kind": kind, "title": title, "text": html}}


def steps(title: str, items: list[tuple[str, str]]) -> dict:
    return {"type": "steps", "value": {"title": title, "steps": [{"title": t, "text": d} for t, d in items]}}


def faq(title: str, items: list[tuple[str, str]]) -> dict:
    return {"type": "faq", "value": {"title": title, "questions": [{"question": q, "answer": a} for q, a in items]}}


def table(caption: str, rows: list[list[str]], *, first_col_is_header: bool = True) -> dict:
    return {
        "type": "table",
        "value": {
            "caption": caption,
            "table": {"data": rows, "first_row_is_table_header": True, "first_col_is_header": first_col_is_header},
        },
    }


def card(title: str, body: str, url: str) -> dict:
    return {"type": "card", "value": {"title": title, "text": body, "page": None, "url": url}}


FIVE_STEPS = [
    ("Repérage", "<p>Un partenaire de l'insertion signataire du dispositif (PLIE, France Travail, PMI, "
                 "CAF, APIJE) repère la famille et lui présente l'accueil.</p>"),
    ("Rendez-vous conjoint et contractualisation", "<p>Un rendez-vous réunit la famille, le prescripteur et la "
     "médiation de la vie sociale (Maison Jean-Jacques Rousseau) pour s'engager ensemble dans le parcours.</p>"),
    ("Adaptation", "<p>Une demi-journée d'adaptation pour l'enfant et son ou ses parents.</p>"),
    ("Accueil de l'enfant et accompagnement du parent", "<p>L'enfant est accueilli régulièrement (au moins deux "
     "fois par mois, par créneaux de 3 h 30 au plus) pendant que le parent est accompagné dans son parcours "
     "professionnel et social.</p>"),
    ("Sortie vers le droit commun", "<p>Un accompagnement à la sortie du dispositif ouvre sur les modes d'accueil "
     "ordinaires : crèche, assistante maternelle, école.</p>"),
]

SCHEMES = [
    {
        "slug": "places-reservees-pmi",
        "title": "Places réservées en crèche pour les familles orientées par la PMI",
        "search_description": "À Orléans, des places en crèche collective gratuites jusqu'à 6 mois pour les "
                              "familles accompagnées par la PMI.",
        "convention": Q(titre__icontains="PMI"),
        "intro": "<p>Depuis 2001, le Conseil départemental du Loiret réserve des places en crèche collective à "
                 "Orléans pour les jeunes enfants des familles accompagnées par la Protection maternelle et "
                 "infantile (PMI).</p>",
        "audience": "<p>Les familles d'Orléans avec un enfant de moins de 6 ans, accompagnées par la PMI, qui "
                    "rencontrent des difficultés éducatives ou sociales. L'accueil aide l'enfant à se développer "
                    "et à préparer l'entrée à l'école maternelle ; il aide les parents à rompre l'isolement.</p>",
        "referral": "<p>C'est la <strong>puéricultrice ou le professionnel de PMI</strong> qui vous suit qui "
                    "propose l'orientation, avec votre accord. La direction de la petite enfance du CCAS "
                    "d'Orléans examine la demande et vous propose une place.</p>",
        "free_period": "<p>Un projet d'accueil individualisé est écrit pour chaque enfant. Au bout de six mois, "
                       "un bilan éducatif et financier est fait avec vous pour préparer la suite.</p>",
        "steps": [],
        "body": [callout("information", "Six places réservées",
                         "<p>La convention signée en 2016 entre le Conseil départemental et le CCAS porte sur "
                         "6 places.</p>")],
    },
    {
        "slug": "priorite-france-travail",
        "title": "Priorité en crèche pour les parents en recherche d'emploi orientés par France Travail",
        "search_description": "À Orléans, une priorité dans deux crèches pour les parents orientés par "
                              "France Travail (ex-Pôle emploi) vers une formation ou un emploi.",
        "convention": Q(titre__icontains="emploi") | Q(titre__icontains="France Travail"),
        "intro": "<p>Trouver vite un mode d'accueil est souvent le premier frein à un retour à l'emploi. "
                 "Le CCAS d'Orléans et France Travail (ex-Pôle emploi Orléans Nord) ont donc convenu d'une "
                 "priorité dans deux crèches de la ville.</p>",
        "audience": "<ul><li>Les parents domiciliés à Orléans, en particulier les familles monoparentales ;</li>"
                    "<li>à qui France Travail propose un emploi, une formation, une immersion, un atelier ou une "
                    "rencontre avec un employeur ;</li><li>pour un enfant de moins de 6 ans.</li></ul>",
        "referral": "<p>Votre <strong>conseiller France Travail</strong> transmet la demande au CCAS. Le CCAS "
                    "suit les demandes et les orientations avec France Travail et vous propose une place dans "
                    "l'une des deux crèches.</p>",
        "free_period": "",
        "steps": [],
        "body": [],
    },
    {
        "slug": "les-petits-pas",
        "title": "Les Petits Pas, halte-jeux pour les parents en parcours d'insertion à Lunel",
        "search_description": "À Lunel, un accueil gratuit et régulier des enfants de 3 mois à 3 ans pendant le "
                              "parcours d'insertion de leurs parents.",
        "convention": Q(titre__icontains="Petits Pas"),
        "intro": "<p>Ouvert le 26 février 2024 par la Ville de Lunel avec la CAF de l'Hérault, la PMI, "
                 "Pôle emploi, le PLIE Est Héraultais et l'APIJE, « Les Petits Pas » accueille gratuitement "
                 "les jeunes enfants des parents, et notamment des mères, en parcours d'insertion "
                 "professionnelle.</p>",
        "audience": "<ul><li>Les enfants de 3 mois à 3 ans (jusqu'à 4 ans pour une place) ;</li>"
                    "<li>dont les parents habitent Lunel et sont inscrits dans un parcours d'insertion "
                    "professionnelle d'au moins 2 mois auprès d'un partenaire signataire ;</li>"
                    "<li>une attention particulière est portée aux familles monoparentales, aux familles "
                    "habitant un quartier prioritaire de la politique de la ville et aux situations "
                    "d'urgence.</li></ul>",
        "referral": "<p>Ce sont les <strong>acteurs de l'insertion signataires</strong> qui vous orientent : "
                    "PLIE Est Héraultais, France Travail, PMI, CAF de l'Hérault, APIJE. Parlez-en à votre "
                    "référent.</p>",
        "free_period": "<p>Deux accueillantes, soutenues par une éducatrice de jeunes enfants, accueillent au "
                       "plus 7 enfants : 6 en accueil régulier et 1 en adaptation ou en urgence.</p>",
        "steps": FIVE_STEPS,
        "body": [
            table(
                "Les deux lieux d'accueil des Petits Pas",
                [["Lieu", "Quand", "Horaires"],
                 ["Accueil de loisirs maternel du Parc – Parc Jean Hugo",
                  "Lundi, mardi, jeudi, vendredi hors vacances scolaires (projet intergénérationnel les lundis "
                  "et jeudis matin)", "8 h 30 – 12 h 15 et 13 h 30 – 17 h, fermé le vendredi après-midi"],
                 ["École maternelle Arc en Ciel – La Roquette", "Mercredis et vacances scolaires",
                  "8 h 30 – 12 h 15 et 13 h 30 – 17 h"]],
            ),
            callout("important", "Fermetures", "<p>Les lieux d'accueil ferment pendant certaines périodes de "
                                               "congés.</p>"),
        ],
    },
]

REFERRAL_PAGE = {
    "slug": "etre-oriente",
    "title": "Comment être orienté vers une place réservée ?",
    "search_description": "Qui peut vous orienter, ce qui se passe ensuite, et ce que vous payez.",
    "intro": "<p>Vous ne demandez pas directement une place réservée : un professionnel qui vous accompagne "
             "vous oriente, avec votre accord.</p>",
    "body": [
        steps("Les étapes", [
            ("Parlez-en à votre référent", "<p>Puéricultrice de PMI, conseiller France Travail, référent PLIE, "
                                            "Mission locale ou travailleur social du CCAS.</p>"),
            ("Votre référent envoie l'orientation", "<p>Avec votre accord, il transmet une demande à la structure "
                                                     "qui coordonne le dispositif.</p>"),
            ("Une place vous est proposée", "<p>Vous avez 7 jours pour confirmer la place proposée.</p>"),
            ("L'accueil commence", "<p>Après un temps d'adaptation, votre enfant est accueilli pendant votre "
                                   "parcours.</p>"),
        ]),
        faq("Questions fréquentes", [
            ("Est-ce que je paie ?", "<p>Non, pendant la période de gratuité du dispositif (6 mois au plus pour "
                                     "les places réservées par la PMI à Orléans ; tout le parcours aux Petits "
                                     "Pas). Ensuite, le tarif suit le barème de la CAF : "
                                     "<a href=\"/calculer-votre-tarif/\">calculez-le</a>.</p>"),
            ("Quels documents dois-je fournir ?", "<p>Votre référent vous le dira. Aucun document n'est demandé sur "
                                                  "ce site.</p>"),
            ("Que se passe-t-il à la fin ?", "<p>Un bilan est fait avec vous ; vous êtes accompagné vers un mode "
                                             "d'accueil ordinaire (contrat en crèche, assistante maternelle, "
                                             "école).</p>"),
            ("Jusqu'à quel âge mon enfant peut-il être accueilli ?", "<p>En crèche à Orléans, de 10 semaines à "
                                                                     "5 ans ; aux Petits Pas, de 3 mois à "
                                                                     "3 ans.</p>"),
        ]),
    ],
}

SIMULATOR_PAGE = {
    "slug": "calculer-votre-tarif",
    "title": "Calculer votre tarif en crèche",
    "search_description": "Estimez le tarif horaire et mensuel d'une crèche selon le barème de la CAF.",
    "intro": "<p>En crèche, le tarif horaire est un pourcentage de vos ressources mensuelles, le taux "
             "d'effort, fixé par la CNAF selon le nombre d'enfants à charge et le type d'accueil.</p>",
    "body": [
        text("<h2>Comment le tarif est-il calculé ?</h2><p>(Ressources annuelles ÷ 12) × taux d'effort = tarif "
             "horaire ; tarif horaire × heures prévues au contrat = montant mensuel. Les ressources sont "
             "encadrées par un plancher et un plafond. Un enfant en situation de handicap dans la famille "
             "(AEEH ou PCH) donne droit au taux d'effort immédiatement inférieur. Hors de la commune, une "
             "majoration de 2,28 € de l'heure s'ajoute.</p>"),
        table("Taux d'effort horaire en accueil collectif (barème CNAF)",
              [["Enfants à charge", "1", "2", "3", "4 à 7", "8 à 10"],
               ["Taux d'effort", "0,0619 %", "0,0516 %", "0,0413 %", "0,0310 %", "0,0206 %"]]),
        table("Taux d'effort horaire en crèche familiale (barème CNAF)",
              [["Enfants à charge", "1", "2", "3 à 5", "6 à 10"],
               ["Taux d'effort", "0,0516 %", "0,0413 %", "0,0310 %", "0,0206 %"]]),
    ],
}

BOOKLET = {
    "slug": "livret-vallee-de-la-save",
    "title": "L'accueil de l'enfant de 0 à 6 ans sur la vallée de la Save",
    "search_description": "Le livret commun des services petite enfance de Levignac et du SIVOM de la vallée "
                          "de la Save.",
    "intro": "<p>Ce livret a été écrit ensemble par le relais petite enfance, le multi-accueil, le centre social "
             "et les accueils de loisirs maternels de Levignac et du SIVOM de la vallée de la Save, pour que "
             "les familles, et d'abord les nouvelles arrivantes, s'y retrouvent.</p>",
    "chapters": [
        {
            "slug": "modes-accueil",
            "title": "Les modes d'accueil du jeune enfant",
            "body": [
                text("<p>Sur le territoire, deux modes d'accueil se complètent : l'accueil <strong>collectif</strong> "
                     "au multi-accueil associatif L'Arche des Bambins, et l'accueil <strong>individuel</strong> "
                     "chez une assistante maternelle. Le choix se fait selon vos besoins quotidiens, vos "
                     "attentes éducatives, vos horaires et vos capacités financières.</p>"),
                table("Qui accueille les enfants de 0 à 6 ans ?",
                      [["Service", "Pour qui", "Ce qu'il propose"],
                       ["Multi-accueil (EAJE) L'Arche des Bambins", "Enfants de moins de 3 ans",
                        "Accueil collectif régulier ou occasionnel"],
                       ["Relais petite enfance (RPE, anciennement RAM)", "Parents et assistantes maternelles",
                        "Liste des assistantes maternelles, aide au contrat, ateliers d'éveil"],
                       ["Accueils de loisirs maternels (ALSH)", "Enfants de 3 à 6 ans",
                        "Mercredis et vacances scolaires"],
                       ["Centre social", "Toutes les familles", "Accueil, activités parents-enfants"]]),
            ],
        },
        {
            "slug": "demander-une-place",
            "title": "Demander une place : la commission d'attribution",
            "body": [
                text("<p>Les demandes d'accueil sont recueillies sur une fiche d'inscription « primo accueil », "
                     "partagée entre le multi-accueil, le relais petite enfance et le centre social : vous ne "
                     "remplissez qu'une seule demande.</p>"),
                steps("Le calendrier de la commission", [
                    ("En avril", "<p>La commission prépare les entrées de septembre.</p>"),
                    ("En octobre ou novembre", "<p>Elle actualise les situations et les places libérées.</p>"),
                ]),
                callout("information", "Des propositions anonymes",
                        "<p>Les propositions d'attribution sont présentées aux élus de façon anonyme, après une "
                        "pondération des besoins des familles.</p>"),
            ],
        },
        {
            "slug": "rendez-vous-petite-enfance",
            "title": "Les rendez-vous de la petite enfance",
            "body": [
                text("<p>Chaque année, le « Rendez-vous de la petite enfance » réunit les accueils de loisirs "
                     "maternels, le relais petite enfance, le centre social et le multi-accueil : ateliers de "
                     "jeux, stands d'information sur les modes d'accueil des 0-6 ans.</p>"
                     "<p>Des actions passerelles préparent l'entrée à l'école maternelle et à l'accueil de "
                     "loisirs.</p>"),
            ],
        },
    ],
}

ACCESSIBILITY = [
    text("<p>Les collectivités partenaires de Parcours Petite Enfance s'engagent à rendre leur site accessible, "
         "conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.</p>"
         "<h2>État de conformité</h2><p>Le site est <strong>partiellement conforme</strong> avec le référentiel "
         "général d'amélioration de l'accessibilité (RGAA), version 4.1 : l'audit complet n'a pas encore été "
         "réalisé. Les pages sont vérifiées automatiquement (axe-core) : formulaire du simulateur, annuaire, "
         "pages des dispositifs, page d'accueil.</p>"
         "<h2>Contenus non accessibles</h2><p>Le livret PDF imprimable reprend les pages du site ; la version en "
         "ligne de chaque chapitre est la version accessible de référence.</p>"
         "<h2>Retour d'information et contact</h2><p>Si vous n'arrivez pas à accéder à un contenu ou à un "
         "service, contactez la direction de la petite enfance de votre commune pour être orienté vers une "
         "alternative accessible.</p>"
         "<h2>Voies de recours</h2><p>Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un "
         "contenu ou une fonctionnalité, que vous nous l'avez signalé et que vous n'avez pas obtenu de réponse "
         "satisfaisante, vous pouvez écrire au Défenseur des droits ou contacter son délégué dans votre "
         "région.</p>"),
]

LEGAL_NOTICE = [
    text("<h2>Éditeur</h2><p>Le site est édité par les collectivités et organismes partenaires des dispositifs "
         "présentés : Ville et CCAS d'Orléans, Ville de Lunel, SIVOM de la vallée de la Save et commune de "
         "Levignac, avec le Conseil départemental du Loiret et les CAF.</p>"
         "<h2>Hébergement</h2><p>Le site est hébergé en France par le service informatique de la collectivité "
         "qui l'exploite.</p>"
         "<h2>Contenus</h2><p>Les informations publiées sont indicatives ; les règles applicables sont celles "
         "des conventions et des règlements de fonctionnement des structures. Le simulateur de tarif donne une "
         "estimation, le tarif définitif est calculé par la structure.</p>"
         "<h2>Cookies</h2><p>Le site public ne dépose aucun cookie de mesure d'audience ni de publicité. Seul "
         "l'espace des partenaires utilise un cookie de session, nécessaire à la connexion.</p>"),
]

PERSONAL_DATA = [
    text("<p>Le site public ne vous demande aucune donnée personnelle. Le simulateur de tarif calcule une "
         "estimation à partir de ce que vous saisissez et ne l'enregistre pas.</p>"
         "<h2>Quand vous êtes orienté vers un dispositif</h2><p>Les informations recueillies sur votre famille "
         "par les partenaires (prescripteur, structure d'accueil, coordination) font l'objet d'un traitement "
         "informatique destiné à la gestion de l'accueil des enfants et à la facturation de cet accueil. Les "
         "destinataires de ces données sont les personnels habilités des partenaires qui vous "
         "accompagnent.</p>"),
    table("Ce qui est conservé, et combien de temps",
          [["Données", "Durée de conservation"],
           ["Dossier de la famille et de l'enfant", "Toute la durée de l'accueil, puis 6 ans après la dernière "
                                                    "année d'accueil"],
           ["Dossier de l'enfant dans la structure (contrat, dossier médical, plannings)",
            "6 ans après que l'enfant a quitté la structure"]]),
    text("<h2>Vos droits</h2><p>Conformément au règlement (UE) 2016/679 et à la loi « informatique et "
         "libertés » du 6 janvier 1978 modifiée, vous disposez d'un droit d'<strong>accès</strong>, de "
         "<strong>rectification</strong>, d'opposition, d'<strong>effacement</strong> et de "
         "<strong>portabilité</strong> de vos données.</p>"
         "<h2>Contacter le délégué à la protection des données</h2><p>Pour exercer ces droits ou pour toute "
         "question : par courriel à <a href=\"mailto:dpo@orleans-metropole.fr\">dpo@orleans-metropole.fr</a>, "
         "ou par courrier à Orléans Métropole – Secrétariat général, 5 place du 6 Juin 1944, 45000 Orléans. "
         "Vous pouvez aussi adresser une réclamation à la CNIL.</p>"),
]

LEGAL_PAGES = [
    ("accessibilite", "Déclaration d'accessibilité", ACCESSIBILITY),
    ("mentions-legales", "Mentions légales", LEGAL_NOTICE),
    ("donnees-personnelles", "Données personnelles", PERSONAL_DATA),
]


def _child(parent: Page, model, slug: str, **fields):
    """The child of ``parent`` with ``slug``, created and published if missing. Returns (page, created)."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _home() -> HomePage:
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title=SITE_NAME, slug="accueil", intro=HOME_INTRO, show_in_menus=False,
            search_description="Des places en crèche réservées aux enfants des parents en parcours d'insertion.",
            body=[callout("astuce", "Vous êtes accompagné par un professionnel ?",
                          "<p>Parlez-lui de votre besoin d'accueil : c'est lui qui peut vous orienter vers une "
                          "place réservée. <a href=\"/etre-oriente/\">Comment être orienté ?</a></p>")],
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": SITE_NAME},
    )
    # The starter page Wagtail creates on install is replaced by ours as the site's root.
    for page in Page.objects.child_of(root).not_type(HomePage):
        if page.slug == "home" and not page.get_children().exists():
            page.delete()
    return home


def _scheme(home: HomePage, spec: dict) -> SchemePage:
    convention = Convention.objects.filter(spec["convention"]).order_by("-debut").first()
    page, created = _child(
        home, SchemePage, spec["slug"], title=spec["title"], intro=spec["intro"],
        search_description=spec["search_description"], audience=spec["audience"], referral=spec["referral"],
        free_period=spec["free_period"], convention=convention,
        steps=[{"type": "step", "value": {"title": t, "text": d}} for t, d in spec["steps"]], body=spec["body"],
    )
    if not created and page.convention_id is None and convention is not None:
        page.convention = convention
        page.save_revision().publish()
    return page


def seed(stdout=None) -> HomePage:
    home = _home()
    for spec in SCHEMES:
        _scheme(home, spec)
    _child(home, ContentPage, REFERRAL_PAGE["slug"], title=REFERRAL_PAGE["title"], intro=REFERRAL_PAGE["intro"],
           search_description=REFERRAL_PAGE["search_description"], body=REFERRAL_PAGE["body"], show_in_menus=True)
    _child(home, DirectoryPage, "annuaire", title="Annuaire des structures d'accueil", show_in_menus=True,
           search_description="Crèches, haltes-garderies, multi-accueils : adresses, horaires, places.",
           intro="<p>Les structures d'accueil du jeune enfant des communes partenaires, avec les places que les "
                 "dispositifs y réservent.</p>")
    _child(home, SimulatorPage, SIMULATOR_PAGE["slug"], title=SIMULATOR_PAGE["title"], intro=SIMULATOR_PAGE["intro"],
           search_description=SIMULATOR_PAGE["search_description"], body=SIMULATOR_PAGE["body"], show_in_menus=True)
    booklet, _ = _child(home, BookletPage, BOOKLET["slug"], title=BOOKLET["title"], intro=BOOKLET["intro"],
                        search_description=BOOKLET["search_description"], show_in_menus=True)
    for chapter in BOOKLET["chapters"]:
        _child(booklet, ContentPage, chapter["slug"], title=chapter["title"], body=chapter["body"])
    for slug, title, body in LEGAL_PAGES:
        _child(home, LegalPage, slug, title=title, body=body, updated_on=LEGAL_UPDATED_ON)
    _child(home, SitemapPage, "plan-du-site", title="Plan du site")
    _child(home, SearchPage, "recherche", title="Rechercher sur le site", show_in_menus=True)
    ensure_editors_group()
    if stdout is not None:
        count = Page.objects.descendant_of(home, inclusive=True).count()
        stdout.write(f"    site public : {count} pages")
    return home
