"""Funds, projects and invoices for the funding tests, on the shared world."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from funding import services
from funding.models import Category, Source
from grid.services.photos import prepare_photos

YUAN = 100


def invoice_upload(name="invoice.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 200, 190)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def open_special(world, community=None, budget=200_000 * YUAN, year=2026):
    return services.open_fund(
        by=world.user("county_admin"),
        source=Source.SPECIAL,
        year=year,
        community=community or world.communities[0],
        budget=budget,
        memo="年度服务群众专项经费",
    )


def open_office(world, community=None, budget=50_000 * YUAN, year=2026):
    return services.open_fund(
        by=world.user("county_admin"),
        source=Source.OFFICE,
        year=year,
        community=community or world.communities[0],
        budget=budget,
    )


def filed_project(world, fund, budget=8_000 * YUAN, title="楼道扶手维修"):
    worker = world.user("community_worker")
    project = services.propose_project(
        by=worker,
        fund=fund,
        title=title,
        category=Category.REPAIR,
        needs="居民反映三号楼楼道扶手松动。",
        need_refs="需求清单 12",
        budget=budget,
    )
    project = services.record_decision(
        by=worker,
        project=project,
        minutes="两委会议暨居民代表会议，应到 15 人，实到 13 人。",
        votes_for=12,
        votes_against=0,
        votes_abstain=1,
        vote_ref="negotiation:vote:7",
    )
    project = services.file_project(by=world.user("street_admin"), project=project)
    return services.start_project(by=worker, project=project)


def paid_expenditure(world, fund, amount, project=None, category=Category.REPAIR):
    worker = world.user("community_worker")
    expenditure = services.request_expenditure(
        by=worker,
        fund=fund,
        project=project,
        amount=amount,
        category=category,
        payee="余姚市某某物业维修部",
        purpose="扶手更换",
    )
    approver = world.user("community_secretary")
    if services.required_tier(expenditure) != "community":
        approver = world.user("street_admin")
    services.approve_expenditure(by=approver, expenditure=expenditure)
    services.attach_invoices(
        by=worker, expenditure=expenditure, photos=prepare_photos([invoice_upload()])
    )
    return services.pay_expenditure(by=worker, expenditure=expenditure, invoice_numbers="No.0001")
