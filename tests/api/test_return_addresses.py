"""returnAddresses: what returnAddressSet stored, for the settings form."""

SET = """mutation($input: ReturnAddressInput!) { returnAddressSet(input: $input) { ok errors { field code } } }"""
LIST = "{ returnAddresses { warehouseId name street1 city zip country isDefault } }"
ADDRESS = {"name": "Returns desk", "street1": "Hauptstr. 1", "city": "Berlin", "zip": "10115", "country": "de"}


def test_staff_read_back_the_addresses_they_saved(as_staff, shop):
    assert as_staff(LIST)["data"]["returnAddresses"] == []

    as_staff(SET, {"input": ADDRESS})
    as_staff(SET, {"input": {**ADDRESS, "warehouseId": "V2FyZWhvdXNlOjE=", "city": "Potsdam", "isDefault": False}})

    assert as_staff(LIST)["data"]["returnAddresses"] == [
        {"warehouseId": None, "name": "Returns desk", "street1": "Hauptstr. 1", "city": "Berlin", "zip": "10115",
         "country": "DE", "isDefault": True},
        {"warehouseId": "V2FyZWhvdXNlOjE=", "name": "Returns desk", "street1": "Hauptstr. 1", "city": "Potsdam",
         "zip": "10115", "country": "DE", "isDefault": False},
    ]


def test_only_staff_read_return_addresses(as_alice, as_viewer, shop):
    for caller in (as_alice, as_viewer):
        answer = caller(LIST)
        assert answer["data"] is None
        assert answer["errors"][0]["extensions"]["code"] == "PermissionDenied"
