/**
 * Word pools for deterministic, realistic Vietnamese demo content (local and government news).
 * Everything generated from these is reproducible: the same N gives the same articles.
 */
export const CATEGORIES = [
  { name: 'Thời sự', description: 'Tin tức thời sự trong tỉnh và cả nước.' },
  { name: 'An ninh trật tự', description: 'Phong trào toàn dân bảo vệ an ninh Tổ quốc, phòng chống tội phạm.' },
  { name: 'Kinh tế', description: 'Sản xuất, kinh doanh, đầu tư và việc làm.' },
  { name: 'Xã hội', description: 'Đời sống, an sinh xã hội và các vấn đề dân sinh.' },
  { name: 'Giáo dục', description: 'Trường học, thi cử và khuyến học.' },
  { name: 'Y tế', description: 'Chăm sóc sức khỏe nhân dân, phòng chống dịch bệnh.' },
  { name: 'Văn hóa - Thể thao', description: 'Lễ hội, di sản, văn nghệ và thể thao phong trào.' },
  { name: 'Nông nghiệp - Nông thôn', description: 'Xây dựng nông thôn mới, sản xuất nông nghiệp.' },
];

export const AUTHORS = [
  { name: 'Mai Hà', role: 'Phóng viên', bio: 'Phóng viên mảng an ninh trật tự và đời sống cơ sở.' },
  { name: 'Lê Minh Tuấn', role: 'Phóng viên', bio: 'Theo dõi kinh tế, đầu tư và hạ tầng giao thông.' },
  { name: 'Nguyễn Thị Hồng', role: 'Biên tập viên', bio: 'Biên tập viên ban Thời sự.' },
  {
    name: 'Trần Quốc Việt',
    role: 'Phóng viên ảnh',
    bio: 'Phóng viên ảnh, cộng tác viên thường trú tại các huyện miền núi.',
  },
  { name: 'Phạm Thu Trang', role: 'Phóng viên', bio: 'Viết về giáo dục, y tế và các vấn đề xã hội.' },
  { name: 'Đặng Văn Nam', role: 'Cộng tác viên', bio: 'Cộng tác viên tại huyện Thiệu Hóa.' },
];

export const PLACES = [
  'thị trấn Thiệu Hóa',
  'huyện Thiệu Hóa',
  'thành phố Thanh Hóa',
  'thị xã Bỉm Sơn',
  'huyện Đông Sơn',
  'huyện Yên Định',
  'huyện Thọ Xuân',
  'huyện Quảng Xương',
  'thị xã Nghi Sơn',
  'huyện Ngọc Lặc',
  'huyện Bá Thước',
  'huyện Mường Lát',
  'huyện Hoằng Hóa',
  'huyện Hậu Lộc',
  'thành phố Sầm Sơn',
  'huyện Nông Cống',
  'huyện Triệu Sơn',
  'huyện Vĩnh Lộc',
  'huyện Cẩm Thủy',
  'huyện Đức Thọ',
];

export const TAGS = [
  'Thiệu Hóa',
  'An ninh Tổ quốc',
  'Nông thôn mới',
  'Chuyển đổi số',
  'Cải cách hành chính',
  'Phòng chống tội phạm',
  'An toàn giao thông',
  'Khuyến học',
  'Bảo hiểm y tế',
  'Giảm nghèo bền vững',
  'Đầu tư công',
  'Lễ hội truyền thống',
  'OCOP',
  'Phòng cháy chữa cháy',
  'Hội nghị',
  'Thanh niên',
  'Phụ nữ',
  'Cựu chiến binh',
  'Biển đảo',
  'Mùa vụ',
];

/** Headline pattern pieces: "<action> <subject> <place>". */
export const ACTIONS = [
  'Tiếp tục đẩy mạnh',
  'Triển khai hiệu quả',
  'Ra mắt mô hình',
  'Tổng kết',
  'Nâng cao chất lượng',
  'Sơ kết 6 tháng thực hiện',
  'Khánh thành công trình',
  'Khai mạc',
  'Kiểm tra tiến độ',
  'Đối thoại với nhân dân về',
  'Tuyên dương điển hình',
  'Hướng dẫn người dân về',
];

export const SUBJECTS = [
  'phong trào toàn dân bảo vệ an ninh Tổ quốc',
  'xây dựng nông thôn mới nâng cao',
  'chuyển đổi số cấp xã',
  'cải cách thủ tục hành chính',
  'công tác phòng cháy, chữa cháy',
  'tháng hành động vì an toàn giao thông',
  'chương trình mục tiêu quốc gia giảm nghèo',
  'dịch vụ công trực tuyến',
  'tiêm chủng mở rộng',
  'sản phẩm OCOP',
  'khu dân cư an toàn về an ninh trật tự',
  'phong trào khuyến học, khuyến tài',
  'hội thao quốc phòng',
  'mùa vụ Đông Xuân',
  'đường giao thông nông thôn',
  'nhà văn hóa thôn',
];

export const SENTENCES = [
  'Theo báo cáo của UBND {place}, từ đầu năm đến nay đã có hơn {n} hộ gia đình tham gia {subject}.',
  'Đồng chí Chủ tịch UBND {place} đề nghị các ngành, đoàn thể tiếp tục phối hợp chặt chẽ, bám sát cơ sở.',
  'Kết quả này góp phần quan trọng vào việc giữ vững an ninh chính trị, trật tự an toàn xã hội trên địa bàn.',
  'Nhiều tập thể, cá nhân có thành tích xuất sắc đã được biểu dương, khen thưởng tại hội nghị.',
  'Người dân {place} bày tỏ sự phấn khởi khi các công trình được đưa vào sử dụng đúng tiến độ.',
  'Tổng kinh phí thực hiện đạt khoảng {n} triệu đồng, trong đó nguồn xã hội hóa chiếm hơn một nửa.',
  'Lực lượng công an xã đã phối hợp với các tổ an ninh xung kích tuần tra {n} lượt trong dịp cao điểm.',
  'Ban chỉ đạo yêu cầu các đơn vị rà soát, khắc phục ngay những hạn chế đã được chỉ ra.',
  'Qua {n} năm triển khai, mô hình đã được nhân rộng ra nhiều thôn, khu phố trong huyện.',
  'Các đại biểu đã thảo luận, đóng góp nhiều ý kiến tâm huyết nhằm nâng cao hiệu quả {subject}.',
  'Ngành chức năng khuyến cáo người dân chủ động theo dõi thông tin chính thức từ cơ quan có thẩm quyền.',
  'Đây là hoạt động thiết thực nhằm cụ thể hóa phương châm “Dân biết, dân bàn, dân làm, dân kiểm tra”.',
  'Trong thời gian tới, địa phương sẽ tiếp tục huy động mọi nguồn lực để hoàn thành các chỉ tiêu đề ra.',
  'Tỷ lệ hồ sơ được giải quyết đúng hạn đạt {n}%, tăng so với cùng kỳ năm trước.',
];

export const CAPTIONS = [
  'Quang cảnh hội nghị tại {place}',
  'Lãnh đạo địa phương trao giấy khen cho các tập thể, cá nhân tiêu biểu',
  'Người dân {place} tham gia buổi ra mắt mô hình',
  'Lực lượng công an xã tuần tra, kiểm soát trên tuyến đường liên thôn',
  'Công trình mới được đưa vào sử dụng tại {place}',
  'Các đại biểu tham quan gian hàng sản phẩm OCOP',
  'Học sinh {place} trong ngày khai giảng năm học mới',
  'Cánh đồng lúa vụ Đông Xuân tại {place}',
];

export const PHOTOGRAPHERS = ['Mai Hà', 'Trần Quốc Việt', 'Lê Minh Tuấn', 'Đặng Văn Nam', 'CTV'];

export const POLLS = [
  {
    key: 'demo-poll-open',
    question: 'Theo bạn, mô hình nào hiệu quả nhất trong phong trào toàn dân bảo vệ ANTQ?',
    options: ['Camera giám sát với ANTT', 'Tổ bảo vệ dân phố', 'Tổ an ninh xã hội', 'Ý kiến khác'],
    open: true,
  },
  {
    key: 'demo-poll-closed',
    question: 'Bạn đã sử dụng dịch vụ công trực tuyến để làm thủ tục hành chính chưa?',
    options: ['Đã sử dụng thường xuyên', 'Đã thử một lần', 'Chưa sử dụng'],
    open: false,
  },
];
