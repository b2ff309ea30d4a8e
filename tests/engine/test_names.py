"""A lineage's human names come from its own diagram: the default name and per-language properties."""

from __future__ import annotations

from engine.names import element_lanes, element_names, lineage_names, localized_diagram, pick_name

NAMED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="youth_referral" name="Yoshlarni yoʻnaltirish" isExecutable="true">
    <bpmn:extensionElements><camunda:properties>
      <camunda:property name="name_ru" value="Направление молодёжи" />
      <camunda:property name="name_en" value="Youth referral" />
      <camunda:property name="colour" value="red" />
    </camunda:properties></bpmn:extensionElements>
  </bpmn:process>
</bpmn:definitions>"""


def test_names_per_language_from_the_diagram_with_the_default_as_fallback() -> None:
    names = lineage_names({"youth.bpmn": NAMED}, "youth_referral")
    assert names == {"": "Yoshlarni yoʻnaltirish", "ru": "Направление молодёжи", "en": "Youth referral"}
    assert pick_name(names, "ru", "youth_referral") == "Направление молодёжи"
    assert pick_name(names, "uz", "youth_referral") == "Yoshlarni yoʻnaltirish"
    assert pick_name(names, "uz", "youth_referral", str.upper) == "YOSHLARNI YOʻNALTIRISH"


def test_an_unnamed_or_unreadable_lineage_falls_back_to_its_id() -> None:
    assert lineage_names({"youth.bpmn": NAMED}, "other") == {}
    assert lineage_names({"broken.bpmn": "<not xml"}, "youth_referral") == {}
    assert pick_name({}, "ru", "youth_referral") == "youth_referral"


LANES = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="youth_referral" name="Yoshlarni yoʻnaltirish" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_inspector" name="inspector"><bpmn:flowNodeRef>talk</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lane_adviser" name="youth_adviser">
        <bpmn:extensionElements><camunda:properties>
          <camunda:property name="name_ru" value="Советник по делам молодёжи" />
        </camunda:properties></bpmn:extensionElements>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:userTask id="talk" name="Suhbat oʻtkazish" camunda:formKey="talk">
      <bpmn:extensionElements>
        <camunda:properties><camunda:property name="name_ru" value="Провести беседу" /></camunda:properties>
        <camunda:formData><camunda:formField id="done" label="Bajarildi" type="enum">
          <camunda:value id="yes" name="Ha" /></camunda:formField></camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:startEvent id="start" />
  </bpmn:process>
</bpmn:definitions>"""


def test_tasks_and_lanes_carry_their_names_per_language() -> None:
    names = element_names({"youth.bpmn": LANES})
    assert names["talk"] == {"": "Suhbat oʻtkazish", "ru": "Провести беседу"}
    assert names["lane_adviser"] == {"": "youth_adviser", "ru": "Советник по делам молодёжи"}
    assert "start" not in names  # unnamed
    assert "yes" not in names  # a form option is not a diagram element


def test_the_viewer_reads_the_names_of_its_language_and_lanes_as_roles() -> None:
    roles = {"inspector": "Инспектор профилактики", "youth_adviser": "Советник"}.__getitem__
    russian = localized_diagram(LANES, "ru", str.upper, roles)
    names = element_names({"ru.bpmn": russian})
    assert names["talk"][""] == "Провести беседу"
    assert names["lane_inspector"][""] == "Инспектор профилактики"  # no name_ru: the role's label
    assert names["lane_adviser"][""] == "Советник по делам молодёжи"
    assert names["youth_referral"][""] == "YOSHLARNI YOʻNALTIRISH"  # the default through the catalogue
    uzbek = element_names({"uz.bpmn": localized_diagram(LANES, "uz")})
    assert uzbek["talk"][""] == "Suhbat oʻtkazish"
    assert localized_diagram("<not xml", "ru") == "<not xml"


TWO_POOLS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="first" isExecutable="true">
    <bpmn:laneSet id="s1"><bpmn:lane id="l1" name="inspector">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="name_ru" value="Инспектор махалли" />
      </camunda:properties></bpmn:extensionElements>
      <bpmn:flowNodeRef>visit</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:userTask id="visit" name="Tashrif" />
  </bpmn:process>
  <bpmn:process id="second" isExecutable="false">
    <bpmn:laneSet id="s2"><bpmn:lane id="l2" name="inspector">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="name_ru" value="Дежурный инспектор" />
      </camunda:properties></bpmn:extensionElements>
      <bpmn:flowNodeRef>report</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:userTask id="report" name="Hisobot" />
  </bpmn:process>
</bpmn:definitions>"""


def test_a_task_s_lane_is_the_lane_that_holds_it_not_a_lane_of_the_same_role() -> None:
    lanes = element_lanes({"pools.bpmn": TWO_POOLS, "youth.bpmn": LANES})
    assert lanes["visit"]["ru"] == "Инспектор махалли"
    assert lanes["report"]["ru"] == "Дежурный инспектор"  # same role code "inspector", its own lane's name
    assert lanes["talk"] == {"": "inspector"}
    assert "start" not in lanes  # in no lane
    assert element_lanes({"broken.bpmn": "<not xml"}) == {}
