import numpy as np
import pytest

from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.evaluation import accuracy, genre_f1, global_mean_rmse, rmse, task_metrics


def test_rmse_clips_to_the_rating_range():
    assert rmse([0.0, 6.0], [1.0, 5.0]) == pytest.approx(1.0)
    assert rmse([0.0, 6.0], [1.0, 5.0], rating_range=(1, 5)) == 0.0
    assert rmse([2.0, 4.0], [1.0, 5.0], rating_range=(1, 5)) == pytest.approx(1.0)


def test_genre_f1_is_micro_averaged():
    true = np.array([[1, 0, 0], [1, 1, 0]])
    probs = np.array([[0.9, 0.6, 0.1], [0.2, 0.7, 0.0]])  # tp=2, fp=1, fn=1
    assert genre_f1(probs, true) == pytest.approx(2 / 3)
    assert genre_f1(np.zeros((2, 3)), true) == 0.0


def test_task_metrics_per_task():
    predictions = {"rating": np.array([3.0, 9.0]), "genre": np.array([[0.9], [0.1]]), "gender": np.array([0.7, 0.2]), "age": np.array([[0.1, 0.9], [0.8, 0.2]])}
    labels = {"rating": np.array([3.0, 5.0]), "genre": np.array([[1], [0]]), "gender": np.array([1, 1]), "age": np.array([1, 1])}
    assert task_metrics(predictions, labels, (1, 5)) == {"rmse": 0.0, "genre_f1": 1.0, "gender_acc": 0.5, "age_acc": 0.5}
    assert set(task_metrics({"rating": predictions["rating"]}, labels, (1, 5))) == {"rmse"}


def test_global_mean_baseline():
    assert global_mean_rmse([2.0, 4.0], [3.0, 5.0]) == pytest.approx(np.sqrt(2))


def test_bad_input_raises():
    with pytest.raises(MTM4FError, match="equal length"):
        rmse([1.0], [1.0, 2.0])
    with pytest.raises(MTM4FError, match="non-empty"):
        accuracy([], [])
    with pytest.raises(MTM4FError, match="Unknown task .occupation."):
        task_metrics({"occupation": np.ones(2)}, {}, (1, 5))
    with pytest.raises(MTM4FError, match="at least one"):
        global_mean_rmse([], [3.0])
