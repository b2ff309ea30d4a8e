"""A small sample import file (the page and the README show it; the tests import it)."""

SAMPLE_CSV = """kind,code,parent,name,name_cyrl,name_ru,status,username,full_name,role,email,serves
region,TSH,,Toshkent shahri,Тошкент шаҳри,город Ташкент,active,,,,,
district,TSH-CHL,TSH,Chilonzor tumani,Чилонзор тумани,Чиланзарский район,active,,,,,
mahalla,CHL-01,TSH-CHL,Bunyodkor MFY,Бунёдкор МФЙ,махалля Бунёдкор,active,,,,,
mahalla,CHL-02,TSH-CHL,Qatortol MFY,Қатортол МФЙ,махалля Катартал,active,,,,,
staff,,,,,,,a.karimov,Akmal Karimov,inspector,a.karimov@example.uz,CHL-01;CHL-02
staff,,,,,,,d.yusupova,Dilnoza Yusupova,youth_adviser,,CHL-01
staff,,,,,,,b.rashidov,Botir Rashidov,supervisor,b.rashidov@example.uz,TSH-CHL
"""
