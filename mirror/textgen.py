"""Vietnamese-like text from word pools (most phrases are taken from the seed article).

Every function takes the caller's `random.Random`, so the output depends only on the seed.
"""

import re
import unicodedata
import zlib
from random import Random

# (slug, display name) of the top-level sections, in the navigation menu's order.
SECTIONS = (
    ("chinh-tri", "Chính trị"),
    ("xa-hoi", "Xã hội"),
    ("the-gioi", "Thế giới"),
    ("kinh-te", "Kinh tế"),
    ("thi-truong", "Thị trường"),
    ("phap-luat", "Pháp luật"),
    ("the-thao", "Thể thao"),
    ("oto-xe-may", "Ôtô - Xe máy"),
    ("cong-nghe", "Công nghệ"),
    ("suc-khoe", "Sức khỏe"),
    ("doi-song", "Đời sống"),
    ("van-hoa", "Văn hóa"),
    ("giai-tri", "Giải trí"),
    ("du-lich", "Du lịch"),
    ("quan-su-quoc-phong", "Quân sự - Quốc phòng"),
    ("multimedia", "Multimedia"),
    ("viec-lam", "Việc làm"),
    ("thoi-trang-lam-dep", "Thời trang - Làm đẹp"),
    ("doanh-nghiep-24h", "Doanh nghiệp 24h"),
)
SECTION_NAMES = dict(SECTIONS)

# "<section>/<sub>" -> display name
SUBSECTIONS = {
    "chinh-tri/dang": "Đảng",
    "chinh-tri/quoc-hoi": "Quốc hội",
    "xa-hoi/giao-duc": "Giáo dục",
    "the-gioi/quan-sat": "Quan sát",
    "the-gioi/ho-so": "Hồ sơ",
    "kinh-te/doanh-nghiep": "Doanh nghiệp",
    "thi-truong/gia-vang": "Giá vàng",
    "the-thao/bong-da": "Bóng đá",
    "van-hoa/dien-anh": "Điện ảnh",
    "du-lich/checkin": "Checkin",
}

# Sections that generated articles are written for, with their weights.
ARTICLE_SECTIONS = (
    ("the-gioi", 4),
    ("chinh-tri", 2),
    ("xa-hoi", 2),
    ("kinh-te", 2),
    ("the-thao", 2),
    ("van-hoa", 1),
    ("phap-luat", 1),
    ("suc-khoe", 1),
    ("du-lich", 1),
    ("cong-nghe", 1),
    ("thi-truong", 1),
)


class Topic:
    def __init__(self, subjects, objects, tags):
        self.subjects = subjects
        self.objects = objects
        self.tags = tags


TOPICS = {
    "the-gioi": Topic(
        ["Mỹ", "Nhật Bản", "Hàn Quốc", "Ấn Độ", "Australia", "Liên minh châu Âu", "ASEAN", "Liên hợp quốc",
         "Mỹ và Nhật Bản", "Các nước G7", "Hải quân Australia", "Ngoại trưởng Mỹ"],
        ["đối thoại răn đe mở rộng", "hợp tác song phương", "kiểm soát vũ khí chiến lược",
         "cuộc tập trận hàng hải thường niên", "hội nghị ngoại trưởng", "các biện pháp giảm thiểu rủi ro",
         "năng lực của liên minh", "hợp tác ba bên và đa phương", "môi trường an ninh khu vực"],
        ["Mỹ", "Nhật Bản", "Hàn Quốc", "ASEAN", "G7", "an ninh khu vực", "răn đe mở rộng"],
    ),
    "chinh-tri": Topic(
        ["Quốc hội", "Chính phủ", "Thủ tướng", "Ủy ban Thường vụ Quốc hội", "Bộ Nội vụ", "Ban Chỉ đạo"],
        ["dự án luật sửa đổi", "công tác cán bộ", "cải cách thủ tục hành chính", "chính sách phát triển",
         "kế hoạch phát triển kinh tế - xã hội", "chương trình hành động"],
        ["Quốc hội", "Chính phủ", "cải cách hành chính", "xây dựng Đảng"],
    ),
    "xa-hoi": Topic(
        ["Bộ Giáo dục và Đào tạo", "Thành phố Hà Nội", "Người dân", "Các trường học", "Tỉnh Nghệ An",
         "Lực lượng cứu hộ", "Chính quyền địa phương"],
        ["kỳ thi tốt nghiệp", "an toàn giao thông", "nhà ở xã hội", "công tác phòng chống thiên tai",
         "chương trình học bổng", "hỗ trợ người dân vùng lũ"],
        ["giáo dục", "an toàn giao thông", "thiên tai", "Hà Nội"],
    ),
    "kinh-te": Topic(
        ["Ngân hàng Nhà nước", "Các doanh nghiệp", "Bộ Tài chính", "Bộ Công Thương", "Các nhà đầu tư"],
        ["tăng trưởng tín dụng", "xuất khẩu nông sản", "thị trường chứng khoán", "giải ngân đầu tư công",
         "chuỗi cung ứng", "chính sách tiền tệ"],
        ["xuất khẩu", "tín dụng", "đầu tư công", "doanh nghiệp"],
    ),
    "the-thao": Topic(
        ["Đội tuyển Việt Nam", "Câu lạc bộ Hà Nội", "Các vận động viên", "Ban huấn luyện", "U23 Việt Nam"],
        ["vòng loại Asian Cup", "giải vô địch quốc gia", "trận chung kết", "kế hoạch tập huấn",
         "đợt hội quân cuối năm"],
        ["bóng đá", "đội tuyển Việt Nam", "V-League", "SEA Games"],
    ),
    "van-hoa": Topic(
        ["Các nghệ sĩ", "Bảo tàng Lịch sử quốc gia", "Nhà hát Lớn", "Đạo diễn trẻ", "Ban tổ chức"],
        ["liên hoan phim", "di sản văn hóa", "lễ hội truyền thống", "triển lãm mỹ thuật", "đêm nhạc cuối năm"],
        ["di sản", "điện ảnh", "âm nhạc", "lễ hội"],
    ),
    "phap-luat": Topic(
        ["Cơ quan điều tra", "Tòa án nhân dân", "Công an thành phố", "Viện Kiểm sát"],
        ["vụ án lừa đảo qua mạng", "đường dây buôn lậu", "phiên xét xử sơ thẩm", "quy định xử phạt mới"],
        ["lừa đảo", "xét xử", "buôn lậu"],
    ),
    "suc-khoe": Topic(
        ["Bộ Y tế", "Các bệnh viện", "Bác sĩ", "Trung tâm Kiểm soát bệnh tật"],
        ["chiến dịch tiêm chủng", "phòng chống dịch bệnh mùa đông", "ca ghép tạng thành công",
         "khám chữa bệnh bảo hiểm y tế"],
        ["y tế", "tiêm chủng", "bệnh viện"],
    ),
    "du-lich": Topic(
        ["Các điểm đến", "Du khách quốc tế", "Ngành du lịch", "Tỉnh Quảng Ninh", "Thành phố Đà Nẵng"],
        ["mùa lễ hội cuối năm", "tour khám phá di sản", "chương trình kích cầu du lịch", "đường bay mới"],
        ["du lịch", "Đà Nẵng", "Quảng Ninh"],
    ),
    "cong-nghe": Topic(
        ["Các doanh nghiệp công nghệ", "Bộ Khoa học và Công nghệ", "Các nhà mạng", "Giới chuyên gia"],
        ["hạ tầng số", "trí tuệ nhân tạo", "mạng 5G", "an ninh mạng", "chuyển đổi số"],
        ["chuyển đổi số", "trí tuệ nhân tạo", "5G"],
    ),
    "thi-truong": Topic(
        ["Giá vàng", "Thị trường bất động sản", "Giá xăng dầu", "Các siêu thị"],
        ["phiên giao dịch cuối tuần", "nguồn cung hàng Tết", "biến động tỷ giá", "sức mua cuối năm"],
        ["giá vàng", "xăng dầu", "hàng Tết"],
    ),
}

VERBS = [
    "tổ chức", "thảo luận", "tăng cường", "triển khai", "cam kết", "chia sẻ", "đánh giá", "thúc đẩy",
    "rà soát", "chuẩn bị", "phối hợp", "công bố", "tham vấn về", "nhấn mạnh tầm quan trọng của",
]
ADJUNCTS = [
    "trong hai ngày 26/12 và 27/12", "tại Hà Nội", "trong năm 2026", "bên lề hội nghị",
    "theo kế hoạch đã đề ra", "trong bối cảnh mới", "ở khu vực", "tại tiểu bang Missouri",
    "trong tuần tới", "từ đầu tháng 12",
]
CLAUSES = [
    "nhằm tăng cường hợp tác song phương",
    "vốn là trung tâm của liên minh",
    "thông qua tăng cường chia sẻ thông tin, huấn luyện và diễn tập",
    "nhằm tăng cường tính hiệu quả của các hoạt động",
    "và tiếp tục chuẩn bị cho các bước tiếp theo",
    "trước các thách thức tiềm tàng",
    "trong việc giảm thiểu rủi ro",
    "để duy trì và tăng cường năng lực",
    "bao gồm cả các biện pháp dài hạn",
]
OPENERS = [
    "Trong khuôn khổ chương trình,", "Phát biểu tại sự kiện,", "Theo kế hoạch,", "Cùng ngày,",
    "Trước đó,", "Bên cạnh đó,", "Theo đánh giá của giới chuyên gia,",
]
COMMON_NOUNS = ("Các", "Người", "Giới", "Lực", "Bác", "Ngành", "Ban", "Đạo", "Du")
AUTHORS = [
    "Minh Hòa", "Thu Hằng", "Quốc Đạt", "Ngọc Anh", "Hoàng Long", "Thanh Hà", "Việt Hưng",
    "Phương Linh", "Đức Anh", "Lan Hương", "Trần Hiếu", "Bảo Châu",
]
AUTHOR_OFFICES = ["VOV.VN", "VOV.VN", "VOV.VN", "VOV.VN", "VOV-Tây Bắc", "VOV-Miền Trung"]
AD_TEXTS = ["Quảng cáo", "QUẢNG CÁO", "Advertisement"]


def slugify(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")


def tag_id(name: str) -> int:
    """A stable numeric id for a tag (VOV tag pages are /tu-khoa/<slug>-tag<ID>)."""
    return 100 + zlib.crc32(slugify(name).encode()) % 90000


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def title(rng: Random, section: str) -> str:
    topic = TOPICS[section]
    obj = rng.choice(topic.objects)
    if rng.random() < 0.15:
        obj = f"“{obj}”"
    parts = [rng.choice(topic.subjects), rng.choice(VERBS), obj]
    if rng.random() < 0.5:
        parts.append(rng.choice(ADJUNCTS))
    return capitalize(" ".join(parts))


def sentence(rng: Random, section: str) -> str:
    topic = TOPICS[section]
    words = []
    if rng.random() < 0.35:
        words.append(rng.choice(OPENERS))
    subject = rng.choice(topic.subjects)
    if words and subject.split()[0] in COMMON_NOUNS:
        subject = subject[:1].lower() + subject[1:]
    words.append(subject)
    words += [rng.choice(VERBS), rng.choice(topic.objects)]
    if rng.random() < 0.6:
        words.append(rng.choice(CLAUSES))
    if rng.random() < 0.4:
        words.append(rng.choice(ADJUNCTS))
    return capitalize(" ".join(words)) + "."


def sapo(rng: Random, section: str) -> str:
    return " ".join(sentence(rng, section) for _ in range(rng.randint(1, 2)))


def paragraphs(rng: Random, section: str) -> list[str]:
    return [" ".join(sentence(rng, section) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(3, 7))]


def caption(rng: Random, section: str) -> str:
    topic = TOPICS[section]
    credit = rng.choice(["VOV", "Reuters", "AFP", "TTXVN"])
    return f"{rng.choice(topic.subjects)} {rng.choice(VERBS)} {rng.choice(topic.objects)}. (Ảnh: {credit})"


def tags(rng: Random, section: str) -> list[str]:
    pool = TOPICS[section].tags
    return rng.sample(pool, rng.randint(1, min(4, len(pool))))


def author(rng: Random) -> tuple[str, str]:
    return rng.choice(AUTHORS), rng.choice(AUTHOR_OFFICES)
