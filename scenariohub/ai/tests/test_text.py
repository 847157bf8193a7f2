from scenariohub.ai.text import get_analyzer, normalise


def test_two_character_words_survive_segmentation():
    analyzer = get_analyzer()
    assert analyzer.tokens("光伏") == ["光伏"]
    assert "跌倒" in analyzer.tokens("老人跌倒自动报警")
    assert "光伏" in analyzer.tokens("光伏组件隐裂检测")


def test_domain_dictionary_keeps_field_terms_whole():
    assert "预测性维护" in get_analyzer().tokens("开展预测性维护试点")


def test_full_width_and_case_are_folded():
    assert normalise("ＡＩ质检１２３４５") == "ai质检12345"
    assert "12345" in get_analyzer().tokens("１２３４５热线")


def test_region_names_become_one_neutral_token():
    analyzer = get_analyzer()
    assert analyzer.tokens("成都市智慧停车")[0] == "成都"
    assert analyzer.tokens("成都智慧停车")[0] == "成都"
    assert "成都" not in analyzer.content_tokens("成都市智慧停车")
    assert "都市" not in analyzer.tokens("成都市智慧停车")


def test_stopwords_and_punctuation_are_dropped():
    tokens = get_analyzer().tokens("基于AI的、森林火情识别。")
    assert "基于" not in tokens and "的" not in tokens and "、" not in tokens
    assert "火情" in tokens


def test_shared_terms_prefer_specific_words():
    reasons = get_analyzer().shared_terms(
        "光伏电站组件隐裂智能检测", "光伏组件EL隐裂智能检测系统，替代人工目检", limit=3
    )
    assert reasons[0] == "隐裂"
    assert "光伏" in reasons
    assert "智能" not in reasons
