# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Shortcuts for the access scenarios"
from proteus import Model


def office(code):
    Office = Model.get('sigo.office')
    record, = Office.find([('code', '=', code)])
    return record


def role(xml_id):
    Role = Model.get('res.role')
    ModelData = Model.get('ir.model.data')
    module, fs_id = xml_id.split('.')
    return Role(ModelData.get_id(module, fs_id, {}))


def staff(login, office_code):
    User = Model.get('res.user')
    user = User(login=login, name=login.title())
    user.offices.append(office(office_code))
    user.save()
    return user
