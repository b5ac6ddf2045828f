"""zoo.from_list.HandedOver: a FromListConnector keeps a handed-over list itself, not a copy."""

import numpy as np
import pytest
from pyNN.connectors import FromListConnector

from zoo.from_list import HandedOver


@pytest.mark.parametrize("columns", [2, 4])
def test_the_connector_keeps_the_list_itself(columns):
    rows = np.arange(6 * columns, dtype=np.int32).reshape(6, columns)
    connector = FromListConnector(HandedOver(rows))
    assert connector.conn_list is rows
    assert connector.column_names == (() if columns == 2 else ("weight", "delay"))


def test_an_empty_list_and_a_list_taken_twice():
    assert FromListConnector(HandedOver(np.empty((0, 2), np.int32))).column_names == ()
    handed = HandedOver(np.zeros((3, 2), np.int32))
    np.asarray(handed)
    with pytest.raises(ValueError, match="once"):
        np.asarray(handed)
