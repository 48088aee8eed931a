"""Helpers for data migrations that move a model from one app to another while its
table stays where it is (``SeparateDatabaseAndState``)."""


def move_content_types(apps, moves) -> None:
    """Relabel the content types of moved models, so that their permissions (and the
    role grants and object permissions that point at them) follow the model.

    ``moves`` is ``[(old_app_label, new_app_label, model_name), ...]``. Where the new
    content type exists already (Django created it after a migrate), the old one is
    dropped instead, with its permissions."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old, new, model in moves:
        if ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).delete()
        else:
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def unmove_content_types(apps, moves) -> None:
    move_content_types(apps, [(new, old, model) for old, new, model in moves])
